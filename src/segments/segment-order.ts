/** A segment and the segments its rule reads (membership conditions). */
export interface SegmentReferences {
  id: number;
  references: number[];
}

/**
 * A path of references that leads from a segment back to itself (first id repeated at the
 * end), or null when there is none. References to unknown segments are ignored here.
 */
export function findCycle(segments: SegmentReferences[]): number[] | null {
  const referencesOf = new Map(segments.map((segment) => [segment.id, segment.references]));
  // Depth-first search with the classic three colours: a grey node met again closes a cycle.
  const state = new Map<number, 'grey' | 'black'>();
  const path: number[] = [];
  const visit = (id: number): number[] | null => {
    if (state.get(id) === 'grey') {
      return [...path.slice(path.indexOf(id)), id];
    }
    if (state.get(id) === 'black' || !referencesOf.has(id)) {
      return null;
    }
    state.set(id, 'grey');
    path.push(id);
    for (const next of referencesOf.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) {
        return cycle;
      }
    }
    path.pop();
    state.set(id, 'black');

    return null;
  };
  for (const segment of segments) {
    const cycle = visit(segment.id);
    if (cycle) {
      return cycle;
    }
  }

  return null;
}

/**
 * Segment ids in an order where every segment comes after the segments it references, so a
 * refresh of all segments reads memberships that are already current. Ties keep id order.
 * Assumes no cycles (they are refused when definitions are saved).
 */
export function refreshOrder(segments: SegmentReferences[]): number[] {
  const byId = new Map(segments.map((segment) => [segment.id, segment]));
  const done = new Set<number>();
  const order: number[] = [];
  const visit = (id: number): void => {
    const segment = byId.get(id);
    if (!segment || done.has(id)) {
      return;
    }
    done.add(id);
    segment.references.forEach(visit);
    order.push(id);
  };
  [...byId.keys()].sort((a, b) => a - b).forEach(visit);

  return order;
}
