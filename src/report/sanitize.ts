/**
 * Making data safe for a medium. Terminal: strip ANSI/OSC escape sequences and C0/C1 control characters
 * (shown as visible escapes such as \x1b), so a cell value can never move the cursor, set a title or a link.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*(?:\u0007|\u009c)/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function forTerminal(s: string, max = 80): string {
  let out = s.replace(ANSI, (m) => visible(m)).replace(CONTROL, (c) => visible(c));
  if (out.length > max) out = out.slice(0, max - 1) + '…';
  return out;
}

function visible(s: string): string {
  let r = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x0a) r += '\\n';
    else if (c === 0x0d) r += '\\r';
    else if (c === 0x09) r += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
      r += c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else r += ch;
  }
  return r;
}
