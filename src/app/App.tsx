import { GettingStarted } from './GettingStarted.tsx';
import { GeneratePanel } from './generate/GeneratePanel.tsx';
import { useGenerateShortcut } from './generate/use-generate-shortcut.ts';
import { PromptPanel } from './generate/PromptPanel.tsx';
import { Gallery } from './history/Gallery.tsx';
import { RestoreNotice } from './history/RestoreNotice.tsx';
import { ModelsPanel } from './models/ModelsPanel.tsx';
import { SystemPanel } from './system/SystemPanel.tsx';
import { PreviewPanel } from './video/PreviewPanel.tsx';
import { WorkerFailure } from './WorkerFailure.tsx';

/** The page: composes the panels, nothing else. */
export function App() {
  useGenerateShortcut();
  return (
    <div className="app">
      <header className="app-header">
        <h1>wan-web</h1>
        <p>Video from text or an image with Wan2.2 TI2V-5B, on your own GPU. Nothing leaves this browser.</p>
      </header>
      <WorkerFailure />
      <GettingStarted />
      <main className="app-main">
        <div className="studio-column">
          <RestoreNotice />
          <PromptPanel />
          <GeneratePanel />
        </div>
        <div className="studio-column">
          <PreviewPanel />
          <Gallery />
        </div>
        <ModelsPanel />
        <SystemPanel />
      </main>
    </div>
  );
}
