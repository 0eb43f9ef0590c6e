import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { runSystemCheck } from '../state/system-store.ts';
import { wanWorker } from '../state/worker-client.ts';
import { runGeneration } from '../state/generation-client.ts';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void runSystemCheck();

// The console API for power users and automated checks: `await wanWeb.generate({ location: { kind: 'url', url }, settings })`,
// `await wanWeb.worker.runComponent({ location, component, inputs })`.
Object.assign(globalThis, { wanWeb: { worker: wanWorker(), generate: runGeneration } });
