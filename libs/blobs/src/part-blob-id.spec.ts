import { describe, expect, it } from 'vitest';
import { partBlobId, parsePartBlobId } from './part-blob-id.js';

const SHA = 'a'.repeat(64);

describe('part blob ids', () => {
  it('given a message blob and a part id, then "P" + the SHA-256 + "_" + the part id with dots as dashes', () => {
    expect(partBlobId(`G${SHA}`, '2.1.3')).toBe(`P${SHA}_2-1-3`);
    expect(parsePartBlobId(`P${SHA}_2-1-3`)).toEqual({ messageSha256: SHA, path: ['2.1.3'] });
  });

  it('given a part of a part (an attached message), then one more step, read back outermost first', () => {
    const inner = partBlobId(partBlobId(`G${SHA}`, '2')!, '1.2')!;
    expect(inner).toBe(`P${SHA}_2_1-2`);
    expect(parsePartBlobId(inner)).toEqual({ messageSha256: SHA, path: ['2', '1.2'] });
  });

  it('given anything else, or an id over 255 characters, then it is not a part blob id', () => {
    for (const id of [
      `G${SHA}`,
      `P${SHA}`,
      `P${SHA}_`,
      `P${SHA}_a`,
      `P${SHA.slice(1)}_1`,
      `P${SHA}_1--2`,
      `P${SHA}${'_1'.repeat(100)}`,
    ]) {
      expect(parsePartBlobId(id), id).toBeNull();
    }
    expect(partBlobId(`P${SHA}${'_1'.repeat(94)}`, '1')).toHaveLength(255);
    expect(partBlobId(`P${SHA}${'_1'.repeat(95)}`, '1')).toBeNull();
    expect(partBlobId('Mxyz', '1')).toBeNull();
  });
});
