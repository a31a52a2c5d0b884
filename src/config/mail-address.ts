/**
 * One plain e-mail address (local@domain.tld) and nothing else: no display name, no list,
 * no comment, no line break. Addresses from the database and the config pass this before
 * they reach a mail header, so a stored value cannot add recipients or headers.
 */
export function isMailAddress(value: string): boolean {
  return (
    value.length <= 254 &&
    /^[^\s@<>()[\],;:"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(value)
  );
}
