// Text encoded as UTF-8 twice ("rÃ©fugiÃ©s" for "réfugiés"): a platform's export read its own
// UTF-8 as windows-1252 (or Latin-1) and encoded it again. Each such sequence is the UTF-8 of one
// character, spelled in windows-1252; it is repaired only when the repair is unambiguous, so text
// that merely looks like it (legitimate Latin-1 or French typography) is never touched.
import iconv from 'iconv-lite';

/** The windows-1252 byte of each character a UTF-8 continuation byte (0x80–0xBF) reads as, C1 controls included. */
const CONTINUATION_BYTE = new Map<string, number>();
for (let byte = 0x80; byte <= 0xbf; byte++) {
  CONTINUATION_BYTE.set(String.fromCharCode(byte), byte);
  const cp1252 = iconv.decode(Buffer.from([byte]), 'windows-1252');
  if (cp1252 !== '\ufffd') CONTINUATION_BYTE.set(cp1252, byte);
}
const CONTINUATION = `[${[...CONTINUATION_BYTE.keys()].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`;

/** A lead byte (Â–ß, à–ï, ð–ô) and as many continuation bytes as it announces. */
const SEQUENCE = new RegExp(`[\\u00c2-\\u00df]${CONTINUATION}|[\\u00e0-\\u00ef]${CONTINUATION}{2}|[\\u00f0-\\u00f4]${CONTINUATION}{3}`, 'g');
/** A lead character followed by a continuation character: what is left of a sequence that did not repair. */
const LEFTOVER = new RegExp(`[\\u00c2-\\u00f4]${CONTINUATION}`);
/** "à" is C3 A0; where the no-break space became a plain one, "Ã " is all that is left. */
const LOST_NO_BREAK_SPACE = /\u00c3 /;

/**
 * What a repaired sequence may turn into: Latin-1 letters and signs, Latin Extended-A (œ, ł, č),
 * general punctuation (’ “ ” – — …), the euro and trade marks, and emoji. Anything else (Latin
 * Extended-B from "Ç…", Samaritan from "à « " with its no-break space, CJK) is a sign the text
 * was right as it was.
 */
function isPlausible(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return (
    (cp >= 0xa0 && cp <= 0x17f) || (cp >= 0x2000 && cp <= 0x206f) || cp === 0x20ac || cp === 0x2122 || (cp >= 0x1f300 && cp <= 0x1faff)
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function repairSequence(sequence: string): string | undefined {
  const [lead, ...rest] = sequence;
  const bytes = Buffer.from([lead.charCodeAt(0), ...rest.map((ch) => CONTINUATION_BYTE.get(ch)!)]);
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    return undefined; // an overlong form or a surrogate: not UTF-8 at all
  }
  return [...decoded].length === 1 && isPlausible(decoded) ? decoded : undefined;
}

export interface DoubleUtf8Outcome {
  text: string;
  /** Characters repaired; 0 when nothing was found or the repair was ambiguous. */
  repaired: number;
  /** True when the text looks encoded twice but could not be repaired safely. */
  ambiguous: boolean;
}

/**
 * Repairs UTF-8 encoded twice. Every candidate sequence must turn into one plausible character,
 * and no trace of another must be left (a lead character still followed by a continuation one,
 * or "Ã " where an "à" lost its no-break space); otherwise the text is left as it is and called
 * ambiguous. Text encoded three times is repaired in as many passes.
 */
export function repairDoubleUtf8(input: string): DoubleUtf8Outcome {
  if (!/[\u00c2-\u00f4]/.test(input)) return { text: input, repaired: 0, ambiguous: false };
  let text = input;
  let repaired = 0;
  for (let pass = 0; pass < 3; pass++) {
    let found = 0;
    let failed = false;
    const next = text.replace(SEQUENCE, (sequence) => {
      const fixed = repairSequence(sequence);
      if (fixed === undefined) failed = true;
      else found++;
      return fixed ?? sequence;
    });
    if (!found) break;
    // What the candidates leave behind must hold no trace of another sequence.
    const rest = text.replace(SEQUENCE, '\u0001');
    if (failed || LEFTOVER.test(rest) || LOST_NO_BREAK_SPACE.test(rest)) return { text, repaired, ambiguous: repaired === 0 };
    text = next;
    repaired += found;
  }
  return { text, repaired, ambiguous: false };
}
