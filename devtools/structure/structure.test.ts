/**
 * The floors hold (ARCHITECTURE.md): no import cycle between the folders of src/ or between
 * its files, no import that points up a floor, no product file importing devtools/ or test/.
 * The lint rule (eslint.config.js) refuses upward imports file by file; cycles between
 * features of one floor, or files of one folder, only show in the whole graph, measured here.
 */
import { describe, expect, it } from 'vitest';
import { measure } from './report.js';

describe('the structure of src/', () => {
  const m = measure();
  it('has no import cycle between folders and no two folders importing each other', () => {
    expect(m.folderCycles).toEqual([]);
    expect(m.mutualImports).toEqual([]);
  });
  it('has no import cycle between files (a cycle inside a folder is a knot too)', () => {
    expect(m.fileCycles).toEqual([]);
  });
  it('has no import that points up a floor, and nothing imported from outside src/', () => {
    expect(m.upwardImports).toEqual([]);
    expect(m.importsOutsideSrc).toEqual([]);
  });
});
