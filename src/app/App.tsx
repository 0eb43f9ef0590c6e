import { useGenerationStore } from '../state/generation-store.ts';
import { GettingStarted } from './GettingStarted.tsx';
import { GenerateActions } from './generate/GenerateActions.tsx';
import { GeneratePanel } from './generate/GeneratePanel.tsx';
import { useGenerateShortcut } from './generate/use-generate-shortcut.ts';
import { PromptPanel } from './generate/PromptPanel.tsx';
import { Gallery } from './history/Gallery.tsx';
import { RestoreNotice } from './history/RestoreNotice.tsx';
import { ModelsPanel } from './models/ModelsPanel.tsx';
import { AppHeader } from './page/AppHeader.tsx';
import { SystemPanel } from './system/SystemPanel.tsx';
import { PreviewPanel } from './video/PreviewPanel.tsx';
import { WorkerFailure } from './WorkerFailure.tsx';

/**
 * The page: the studio first (prompt with the Generate bar, the video, the settings: side by side on
 * a wide screen), then the history, the models and this machine's details.
 */
export function App() {
  useGenerateShortcut();
  // On a phone the preview moves to the top and stays there while a video is made (styles.css).
  const running = useGenerationStore((state) => state.status === 'running');
  return (
    <div className="app">
      <AppHeader />
      <main>
        <WorkerFailure />
        <GettingStarted place="above" />
        <div className="studio" data-testid="studio" data-running={running}>
          <div className="studio-prompt">
            <RestoreNotice />
            <PromptPanel />
            <div className="action-bar" data-testid="action-bar">
              <GenerateActions />
            </div>
          </div>
          <div className="studio-preview">
            <PreviewPanel />
          </div>
          <div className="studio-settings">
            <GeneratePanel />
          </div>
        </div>
        <GettingStarted place="below" />
        <Gallery />
        <div className="studio-below">
          <ModelsPanel />
          <SystemPanel />
        </div>
      </main>
    </div>
  );
}
