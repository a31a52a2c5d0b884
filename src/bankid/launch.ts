/**
 * The same-device launch link (reference §5): `bankid:///` on computers and most browsers,
 * `https://app.bankid.com/` on iOS Safari (with the page to return to) and Android Chrome
 * (redirect=null, as BankID's guidelines say); iOS Chrome and Firefox return by their own
 * schemes. Opened from a user gesture only (a link the person clicks).
 */
export interface Platform {
  mobile: boolean;
  ios: boolean;
  android: boolean;
}

export function platformOf(userAgent: string | undefined): Platform {
  const ua = userAgent ?? '';
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && /Mobile\//.test(ua));
  const android = /Android/.test(ua);
  return { ios, android, mobile: ios || android || /Mobile/.test(ua) };
}

export function launchUrl(input: { autoStartToken: string; userAgent: string | undefined; returnUrl: string; override?: string | undefined }): string {
  const token = encodeURIComponent(input.autoStartToken);
  if (input.override) {
    const sep = input.override.includes('?') ? '&' : '?';
    return `${input.override}${sep}autostarttoken=${token}&redirect=${encodeURIComponent(input.returnUrl)}`;
  }
  const ua = input.userAgent ?? '';
  const { ios, android } = platformOf(ua);
  if (ios) {
    if (/CriOS/.test(ua)) return `bankid:///?autostarttoken=${token}&redirect=${encodeURIComponent('googlechromes://')}`;
    if (/FxiOS/.test(ua)) return `bankid:///?autostarttoken=${token}&redirect=${encodeURIComponent('firefox://')}`;
    if (/EdgiOS|OPiOS/.test(ua)) return `bankid:///?autostarttoken=${token}&redirect=null`;
    return `https://app.bankid.com/?autostarttoken=${token}&redirect=${encodeURIComponent(input.returnUrl)}`;
  }
  if (android && /Chrome\//.test(ua) && !/SamsungBrowser|Firefox/.test(ua)) {
    return `https://app.bankid.com/?autostarttoken=${token}&redirect=null`;
  }
  return `bankid:///?autostarttoken=${token}&redirect=null`;
}
