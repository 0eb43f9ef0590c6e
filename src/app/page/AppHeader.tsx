import { AboutDialog } from './AboutDialog.tsx';
import { ThemeSelect } from './ThemeSelect.tsx';

/** The name and promise of the app, and the way to the models, the machine's details, help and the theme. */
export function AppHeader() {
  return (
    <header className="app-header">
      <div className="app-title">
        <h1>wan-web</h1>
        <p>Video from text or an image with Wan2.2 TI2V-5B, on your own GPU. Nothing leaves this browser.</p>
      </div>
      <nav className="app-nav" aria-label="Page">
        <a className="button" href="#models-heading">
          Models
        </a>
        <a className="button" href="#system-heading">
          This machine
        </a>
        <AboutDialog />
        <ThemeSelect />
      </nav>
    </header>
  );
}
