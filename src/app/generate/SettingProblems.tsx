import type { SettingProblem } from '../../state/setting-fields.ts';
import './NumberField.css';

/** Why Generate is off: every field without an allowed value, each a link to its field. */
export function SettingProblems({ id, problems }: { id: string; problems: readonly SettingProblem[] }) {
  return (
    <div id={id} className="setting-problems" data-testid="setting-problems" role="status">
      {problems.length > 0 && (
        <>
          <p>Generate is off until {problems.length === 1 ? 'this setting is' : `these ${problems.length} settings are`} fixed:</p>
          <ul>
            {problems.map(({ field, message }) => (
              <li key={field}>
                <a
                  href={`#${field}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(field)?.focus();
                  }}
                >
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
