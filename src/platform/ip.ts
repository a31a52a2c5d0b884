/** IP address helpers shared by the proxy allow-list and the rate-limit key. */
import { isIP } from 'node:net';

/**
 * The eight 16-bit groups of an IPv6 address, `::` expanded and a zone (`%eth0`) dropped;
 * undefined for anything that is not IPv6. An embedded IPv4 tail counts as one group (only
 * the prefix is ever used from such addresses).
 */
export function ipv6Groups(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  const [head = '', tail = ''] = (ip.split('%')[0] ?? '').split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return groups.map((g) => parseInt(g || '0', 16));
}
