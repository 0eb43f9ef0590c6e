import { useRef } from 'react';

const MODEL_CARD = 'https://huggingface.co/Wan-AI/Wan2.2-TI2V-5B';
const LICENCE = 'https://www.apache.org/licenses/LICENSE-2.0';

/** The header's "About and help" button and the panel it opens: the model, its licence, privacy and keyboard shortcuts. */
export function AboutDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" data-testid="about-open" aria-haspopup="dialog" onClick={() => dialog.current?.showModal()}>
        About and help
      </button>
      <dialog ref={dialog} className="about" data-testid="about" aria-labelledby="about-heading">
        <h2 id="about-heading">About wan-web</h2>
        <h3>The model</h3>
        <p>
          wan-web runs <a href={MODEL_CARD}>Wan2.2 TI2V-5B</a>, Alibaba's open video model, on this computer's GPU through WebGPU. One model does text-to-video and
          image-to-video: add a start image and the video begins from it.
        </p>
        <p>
          It is made for 720p at 24 frames a second (1280×704, or 704×1280 upright) and clips of up to 5 seconds (121 frames). It follows detailed prompts
          about the subject, its motion, the camera and the light: the Look chips add such phrases. FastWan2.2, distilled from it, needs 3 steps instead of 50.
        </p>
        <h3>Licence</h3>
        <p>
          The model weights are published by Wan-AI under the <a href={LICENCE}>Apache License 2.0</a>, and so is wan-web. You may use the videos you make,
          commercially too; you are responsible for what you make with them.
        </p>
        <h3>Privacy</h3>
        <p>
          Nothing leaves this browser: prompts, start images and videos stay on this computer, and the videos are kept in the browser's private storage. The only
          downloads are the model files you choose to install.
        </p>
        <h3>Keyboard shortcuts</h3>
        <dl className="shortcuts">
          <div>
            <dt>
              <kbd>Ctrl</kbd> + <kbd>Enter</kbd> (<kbd>⌘</kbd> + <kbd>Enter</kbd> on a Mac)
            </dt>
            <dd>Generate, or add to the queue while a video is being made</dd>
          </div>
          <div>
            <dt>
              <kbd>Ctrl</kbd> + <kbd>V</kbd> (<kbd>⌘</kbd> + <kbd>V</kbd>)
            </dt>
            <dd>Use the copied picture as the start image</dd>
          </div>
          <div>
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>Close this panel</dd>
          </div>
        </dl>
        <form method="dialog">
          <button type="submit" data-testid="about-close" autoFocus>
            Close
          </button>
        </form>
      </dialog>
    </>
  );
}
