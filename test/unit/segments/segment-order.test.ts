import { findCycle, refreshOrder } from '../../../src/segments/segment-order';

describe('findCycle', () => {
  it('returns null when references form no cycle', () => {
    expect(
      findCycle([
        { id: 1, references: [2, 3] },
        { id: 2, references: [3] },
        { id: 3, references: [] },
      ]),
    ).toBeNull();
  });

  it('returns the path of a cycle through several segments, closed on its first id', () => {
    expect(
      findCycle([
        { id: 1, references: [2] },
        { id: 2, references: [3] },
        { id: 3, references: [1] },
      ]),
    ).toEqual([1, 2, 3, 1]);
  });

  it('finds a segment that references itself', () => {
    expect(findCycle([{ id: 4, references: [4] }])).toEqual([4, 4]);
  });

  it('ignores references to segments it was not given', () => {
    expect(findCycle([{ id: 1, references: [99] }])).toBeNull();
  });
});

describe('refreshOrder', () => {
  it('puts every segment after the segments it references, keeping id order otherwise', () => {
    expect(
      refreshOrder([
        { id: 1, references: [3] },
        { id: 2, references: [] },
        { id: 3, references: [4] },
        { id: 4, references: [] },
      ]),
    ).toEqual([4, 3, 1, 2]);
  });

  it('lists each segment once when several reference it', () => {
    expect(
      refreshOrder([
        { id: 5, references: [7] },
        { id: 6, references: [7] },
        { id: 7, references: [] },
      ]),
    ).toEqual([7, 5, 6]);
  });
});
