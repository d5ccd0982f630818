/**
 * File names from uploads are untrusted text: they lose any path, control and bidirectional-override
 * characters before being stored, and reach the Content-Disposition header only in its two safe
 * forms (an ASCII fallback and the RFC 8187 percent-encoded UTF-8 one).
 */

const MAX_NAME_LENGTH = 120;

export function safeFileName(value: unknown): string {
  const raw = typeof value === 'string' ? value : '';
  // The last path segment only; a name from Windows may use backslashes.
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const short = [...cleaned].slice(0, MAX_NAME_LENGTH).join('');
  return short === '' ? 'file' : short;
}

/** `inline` or `attachment`, with the name as both an ASCII fallback and UTF-8. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
