/** Sizes offered in the size menu: Wan2.2's trained 720p in both orientations, a square, and faster small sizes. */
export const SIZE_PRESETS: readonly { readonly label: string; readonly width: number; readonly height: number }[] = [
  { label: '1280×704 · 16:9 landscape (720p)', width: 1280, height: 704 },
  { label: '704×1280 · 9:16 portrait (720p)', width: 704, height: 1280 },
  { label: '928×928 · 1:1 square', width: 928, height: 928 },
  { label: '832×480 · 16:9 landscape (faster)', width: 832, height: 480 },
  { label: '480×832 · 9:16 portrait (faster)', width: 480, height: 832 },
  { label: '640×352 · 16:9 draft (fastest)', width: 640, height: 352 },
  { label: '128×96 · 4:3 (self-test)', width: 128, height: 96 },
  { label: '64×64 · 1:1 (self-test, quickest)', width: 64, height: 64 },
];
