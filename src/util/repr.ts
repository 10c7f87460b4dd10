/**
 * Redis's quoted representation of bytes (sdscatrepr), used by MONITOR lines, SLOWLOG-like
 * output and DEBUG replies: `"..."` with `\\ \" \n \r \t \a \b` escaped, printable ASCII kept and
 * every other byte written as `\xHH` (lowercase hex).
 */

const HEX = "0123456789abcdef";

/** Append the quoted representation of `b` to `s`. */
export function repr(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    switch (c) {
      case 0x5c:
        s += "\\\\";
        break;
      case 0x22:
        s += '\\"';
        break;
      case 0x0a:
        s += "\\n";
        break;
      case 0x0d:
        s += "\\r";
        break;
      case 0x09:
        s += "\\t";
        break;
      case 0x07:
        s += "\\a";
        break;
      case 0x08:
        s += "\\b";
        break;
      default:
        // isprint() in the C locale: 0x20..0x7e.
        if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
        else s += "\\x" + HEX[c >> 4]! + HEX[c & 15]!;
    }
  }
  return s + '"';
}
