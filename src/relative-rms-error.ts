/**
 * rms(ours − official) / rms(official): the error measure of the quality bench and its test.
 * Unlike a max-abs error it does not grow with the tensor's size, and unlike an elementwise
 * relative error it does not blow up where the official value is near zero.
 */
export function relativeRmsError(ours: ArrayLike<number>, official: ArrayLike<number>): number {
  if (ours.length !== official.length) throw new RangeError(`compared tensors differ in length: ${ours.length} and ${official.length}`);
  let diff = 0;
  let reference = 0;
  for (let i = 0; i < official.length; i++) {
    diff += (ours[i]! - official[i]!) ** 2;
    reference += official[i]! ** 2;
  }
  return reference > 0 ? Math.sqrt(diff / reference) : Math.sqrt(diff / official.length);
}
