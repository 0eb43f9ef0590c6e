import { capabilityVerdict } from '../runtime/capability-verdict.ts';
import { useModelsStore } from '../state/models-store.ts';
import { useOnboardingStep, useOnboardingStore } from '../state/onboarding-store.ts';
import { useSystemStore } from '../state/system-store.ts';
import { NextModelCard } from './onboarding/NextModelCard.tsx';
import './GettingStarted.css';

/**
 * The first run as two steps: the self-test model and its video, then a real model; until a real
 * model is installed or the guide is closed. Step 1 sits above the studio; once the studio can
 * generate, step 2 moves below it, so the prompt, Generate and the video stay in the first view.
 */
export function GettingStarted({ place }: { readonly place: 'above' | 'below' }) {
  const { capabilities, selfCheck } = useSystemStore();
  const { install, installSelfTest } = useModelsStore();
  const step = useOnboardingStep();
  const dismiss = useOnboardingStore((state) => state.dismiss);
  if (!step || (step === 'install-real-model') !== (place === 'below')) return null;
  const verdict = capabilities ? capabilityVerdict(capabilities, selfCheck) : null;
  const running = install?.status === 'running';
  return (
    <section className="panel getting-started" aria-labelledby="getting-started-heading" data-testid="getting-started" data-step={step}>
      <h2 id="getting-started-heading">Getting started</h2>
      <p data-testid="getting-started-verdict" className={verdict ? `note-${verdict.level === 'unsupported' ? 'error' : verdict.level === 'limited' ? 'warn' : 'ok'}` : 'hint'}>
        {verdict ? verdict.headline : 'Checking this browser and GPU…'} <a href="#system-heading">Details</a>
      </p>
      <ol className="onboarding-steps">
        <li aria-current={step === 'install-real-model' ? undefined : 'step'}>
          <h3>Step 1: check this browser and GPU</h3>
          {step === 'install-self-test' && (
            <>
              <p>Install the self-test model: 17 MB, made here without a download. Its videos are noise by design, but making one runs every step of the real model.</p>
              <button type="button" data-testid="getting-started-self-test" disabled={running} onClick={() => void installSelfTest()}>
                Install the self-test model
              </button>
              {running && <p className="hint">Installing… (progress in the Models panel)</p>}
            </>
          )}
          {step === 'make-self-test-video' && <p data-testid="getting-started-generate">The self-test model is installed. Write any prompt and press Generate to make its video.</p>}
          {step === 'install-real-model' && <p className="note-ok">Done: this browser and GPU ran every step.</p>}
        </li>
        <li aria-current={step === 'install-real-model' ? 'step' : undefined}>
          <h3>Step 2: install a real model</h3>
          {step === 'install-real-model' ? <NextModelCard /> : <p className="hint">After the self-test video: FastWan or Wan2.2, converted here from the official weights.</p>}
        </li>
      </ol>
      <button type="button" className="small" data-testid="getting-started-hide" onClick={dismiss}>
        Hide this guide
      </button>
    </section>
  );
}
