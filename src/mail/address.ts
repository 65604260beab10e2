// Checking an email address a person typed, before it is stored or reaches an SMTP envelope or a
// header. A plain address only (no name, no angle brackets, no list, no comment, no quoted local
// part): what a subscription form asks for, and nothing that could carry a second header or
// recipient. The reasons are codes; web/ words them in the page's language.
import { domainToASCII } from 'node:url';

export type AddressProblem = 'empty' | 'too-long' | 'control' | 'shape' | 'local' | 'domain';

export type AddressCheck = { ok: true; address: string } | { ok: false; problem: AddressProblem };

/** RFC 5321 §4.5.3.1: 64 for the local part, 254 for the whole path's address. */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
// RFC 5322 atext, dot-separated (no leading, trailing or double dot).
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// Controls (CR and LF among them), and the separators of other lines or addresses.
const FORBIDDEN = /[\u0000-\u001f\u007f\u2028\u2029]/;

/** A trimmed, checked address with its domain in lower case (IDNs as punycode), or why not. */
export function checkAddress(raw: string): AddressCheck {
  if (FORBIDDEN.test(raw)) return { ok: false, problem: 'control' };
  const text = raw.trim();
  if (!text) return { ok: false, problem: 'empty' };
  if (text.length > MAX_ADDRESS) return { ok: false, problem: 'too-long' };
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || /[\s<>,;:"()[\]\\]/.test(text)) return { ok: false, problem: 'shape' };
  const local = text.slice(0, at);
  if (local.length > MAX_LOCAL || !LOCAL.test(local)) return { ok: false, problem: 'local' };
  const domain = domainToASCII(text.slice(at + 1).toLowerCase());
  const labels = domain.split('.');
  if (!domain || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !/^(xn--[a-z0-9-]+|[a-z]{2,63})$/.test(labels.at(-1)!)) return { ok: false, problem: 'domain' };
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS) return { ok: false, problem: 'too-long' };
  return { ok: true, address };
}
