import { capabilityVerdict } from '../runtime/capability-verdict.ts';
import { useModelsStore } from '../state/models-store.ts';
import { useSystemStore } from '../state/system-store.ts';

/** For a first visit: what this machine can do, in one line, and the first step (a model), until one is installed. */
export function GettingStarted() {
  const { capabilities, selfCheck } = useSystemStore();
  const { loaded, installed, install, installSelfTest } = useModelsStore();
  if (!loaded || installed.length > 0) return null;
  const verdict = capabilities ? capabilityVerdict(capabilities, selfCheck) : null;
  const running = install?.status === 'running';
  return (
    <section className="panel getting-started" aria-labelledby="getting-started-heading" data-testid="getting-started">
      <h2 id="getting-started-heading">Getting started</h2>
      <p data-testid="getting-started-verdict" className={verdict ? `note-${verdict.level === 'unsupported' ? 'error' : verdict.level === 'limited' ? 'warn' : 'ok'}` : 'hint'}>
        {verdict ? verdict.headline : 'Checking this browser and GPU…'} <a href="#system-heading">Details</a>
      </p>
      <p>
        No model is installed yet. Try the built-in self-test model first (17 MB, made here, no download: its videos are noise, but every step runs), then install{' '}
        <a href="#models-heading">Wan2.2 or FastWan</a>.
      </p>
      <div className="actions">
        <button type="button" data-testid="getting-started-self-test" disabled={running} onClick={() => void installSelfTest()}>
          Install the self-test model
        </button>
        <a className="button" href="#models-heading">
          All install options
        </a>
      </div>
      {running && <p className="hint">Installing… (progress in the Models panel)</p>}
    </section>
  );
}
