import { GeneratePanel } from './generate/GeneratePanel.tsx';
import { PromptPanel } from './generate/PromptPanel.tsx';
import { Gallery } from './history/Gallery.tsx';
import { ModelsPanel } from './models/ModelsPanel.tsx';
import { SystemPanel } from './system/SystemPanel.tsx';
import { PreviewPanel } from './video/PreviewPanel.tsx';

/** The page: composes the panels, nothing else. */
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>wan-web</h1>
        <p>Video from text or an image with Wan2.2 TI2V-5B, on your own GPU. Nothing leaves this browser.</p>
      </header>
      <main className="app-main">
        <PromptPanel />
        <PreviewPanel />
        <GeneratePanel />
        <ModelsPanel />
        <SystemPanel />
        <Gallery />
      </main>
    </div>
  );
}
