/**
 * A digest as people read it: in groups of four, so it can be compared with what the
 * signer's app or card reader displays. Used wherever a digest is shown (the sign pages,
 * the review of a case, its attachments, the evidence).
 */

/** Groups a hex digest in fours so a person can compare it with the signer's display. */
export function groupedDigest(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}
