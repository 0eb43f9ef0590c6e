import type { SelfCheckReport } from '../../runtime/self-check/index.ts';

const ms = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} ms`);
const diff = (value: number | null) => (value === null ? '–' : value.toExponential(1));

/** Per configuration and op: the difference from the CPU reference and the timings. */
export function SelfCheckTable({ report }: { report: SelfCheckReport }) {
  return (
    <div className="self-check">
      {report.configs.map((config) => (
        <table key={config.id} data-testid={`self-check-${config.id}`} data-passed={config.passed}>
          <caption>
            {config.passed ? '✓' : '✗'} {config.id}: {config.description}
          </caption>
          <thead>
            <tr>
              <th scope="col">op</th>
              <th scope="col">max |GPU − CPU|</th>
              <th scope="col">GPU</th>
              <th scope="col">CPU</th>
            </tr>
          </thead>
          <tbody>
            {config.results.map((r) => (
              <tr key={r.id} data-testid={`op-${config.id}-${r.id}`} data-diff={r.maxAbsDiff ?? ''} data-passed={r.passed}>
                <th scope="row">{r.label}</th>
                <td className={r.passed ? 'note-ok' : 'note-error'}>
                  {r.error ? `failed: ${r.error}` : `${diff(r.maxAbsDiff)} ${r.passed ? '✓' : '✗'}`}
                </td>
                <td>{ms(r.candidateMs)}</td>
                <td>{ms(r.referenceMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
