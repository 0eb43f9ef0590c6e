import { useOnboardingStep } from '../../state/onboarding-store.ts';

/** Under a self-test video: why it is noise, what it proved, and where the next step is. */
export function SelfTestCaption() {
  const step = useOnboardingStep();
  return (
    <p className="note-ok" data-testid="self-test-caption">
      The self-test model makes noise by design: this video proves that your browser and GPU run every step of the real model.
      {step === 'install-real-model' && (
        <>
          {' '}
          <a href="#getting-started-heading">Step 2: install a real model</a>
        </>
      )}
    </p>
  );
}
