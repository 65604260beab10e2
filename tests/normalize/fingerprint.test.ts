import { describe, expect, it } from 'vitest';
import { computeFingerprint, fingerprintBands, hammingDistance } from '../../src/normalize/fingerprint.ts';

const TITLE = 'Government of Canada launches 2025 Call for Proposals for settlement and resettlement services';
const SUMMARY =
  'Immigration, Refugees and Citizenship Canada is inviting eligible organizations to apply for funding to deliver settlement and ' +
  'resettlement services across Canada, starting April 1, 2026. The Call for Proposals is open until September 12, 2025.';

describe('computeFingerprint', () => {
  it('is a signed 64-bit decimal that fits a Postgres bigint, and is deterministic', () => {
    const fp = computeFingerprint(TITLE, SUMMARY);
    expect(fp).toMatch(/^-?\d{1,19}$/);
    const n = BigInt(fp);
    expect(n >= -(2n ** 63n) && n < 2n ** 63n).toBe(true);
    expect(computeFingerprint(TITLE, SUMMARY)).toBe(fp);
  });

  it('ignores case, accents, punctuation and function words', () => {
    expect(computeFingerprint('Réfugiés : la crise du logement', '')).toBe(computeFingerprint('REFUGIES — crise logement', ''));
    expect(computeFingerprint('The housing crisis for refugees', '')).toBe(computeFingerprint('housing crisis, refugees!', ''));
  });

  it('puts lightly edited cross-posts a few bits apart and different stories far apart', () => {
    const original = computeFingerprint(TITLE, SUMMARY);
    const repost = computeFingerprint(
      'IRCC launches 2025 Call for Proposals for settlement and resettlement services',
      'IRCC is inviting eligible organizations to apply for funding to deliver settlement and resettlement services across Canada ' +
        'starting April 1, 2026. The Call for Proposals is open until September 12, 2025.',
    );
    const other = computeFingerprint(
      'Youth soccer league kicks off in Regina',
      'More than 150 children and teens from 20 countries signed up for a free summer soccer league run by settlement agencies.',
    );
    expect(hammingDistance(original, repost)).toBeLessThan(12);
    expect(hammingDistance(original, other)).toBeGreaterThan(20);
  });

  it('gives 0 for empty text', () => {
    expect(computeFingerprint('', '')).toBe('0');
  });
});

describe('hammingDistance', () => {
  it('counts differing bits over all 64, signed or not', () => {
    expect(hammingDistance('0', '0')).toBe(0);
    expect(hammingDistance('0', '-1')).toBe(64);
    expect(hammingDistance('1', '3')).toBe(1);
    expect(hammingDistance(-(2n ** 63n), 0n)).toBe(1);
    expect(hammingDistance('9223372036854775807', '-9223372036854775808')).toBe(64);
  });
});

describe('fingerprintBands', () => {
  it('cuts a fingerprint into equal slices that differ only where the bits do', () => {
    expect(fingerprintBands('0')).toEqual(Array(8).fill(0));
    expect(fingerprintBands('-1')).toEqual(Array(8).fill(0xff));
    expect(fingerprintBands('65536', 4)).toEqual([0, 1, 0, 0]);
    expect(fingerprintBands('-1', 4)).toEqual([0xffff, 0xffff, 0xffff, 0xffff]);
  });

  it('shares a band between fingerprints at most bands - 1 bits apart', () => {
    const a = BigInt(computeFingerprint(TITLE, SUMMARY));
    const b = [3n, 12n, 20n, 29n, 40n, 47n, 60n].reduce((x, bit) => x ^ (1n << bit), a);
    expect(hammingDistance(a, BigInt.asIntN(64, b))).toBe(7);
    const shared = fingerprintBands(a).filter((band, i) => band === fingerprintBands(BigInt.asIntN(64, b))[i]);
    expect(shared.length).toBeGreaterThanOrEqual(1);
  });
});
