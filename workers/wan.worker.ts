/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import { opfsModelInstalls } from '../src/convert-install/opfs-model-installs.ts';
import { openModel } from '../src/model/open-model.ts';
import { opfsLatentRgbMaps } from '../src/model/opfs-latent-rgb-maps.ts';
import { webBundleAccess } from '../src/model/web-bundle-access.ts';
import { probeCapabilities } from '../src/runtime/capabilities.ts';
import { installErrorTransfer } from '../src/runtime/comlink-errors.ts';
import { GpuRuntime } from '../src/runtime/gpu-runtime.ts';
import { ModelHost } from '../src/runtime/model-host.ts';
import { ASYNCIFY_WORKER } from '../src/runtime/ort-build.ts';
import { VideoWriter } from '../src/video/video-writer.ts';

// The page's model worker: a ModelHost on the browser's GPU, OPFS and WebCodecs.
installErrorTransfer();

const host = new ModelHost({
  loadRuntime: () => GpuRuntime.load(navigator.gpu, self.name === ASYNCIFY_WORKER ? 'asyncify' : 'best'),
  openBundle: async (location, runtime) => webBundleAccess(runtime.sessionLoader(), await openModel(location)),
  openText: async (location) => {
    const { manifest, files } = await openModel(location);
    return { manifest, readText: (path) => files.readText(path), readRange: (path, offset, length) => files.readRange(path, offset, length) };
  },
  installs: opfsModelInstalls,
  createVideoEncoding: (width, height, options, provenance) => VideoWriter.create(width, height, options, provenance),
  probeCapabilities: () => probeCapabilities(),
  previewMaps: opfsLatentRgbMaps(),
  transfer,
});

expose(host);
