import type { TestPulse } from '../support/start-pulse';
import { unique } from '../support/factories';

export const CREATE_SEGMENT = `mutation Create($input: CreateSegmentInput!) {
  createSegment(input: $input) {
    segment { id name kind size version lastRefreshedAt definition }
    unknownExternalIds
  }
}`;

export const REFRESH_SEGMENT = `mutation Refresh($input: RefreshSegmentInput!) {
  refreshSegment(input: $input) { entered left size durationMs segment { id size lastRefreshedAt } }
}`;

/** A rule over one profile field: country equals `country`. */
export function countryIs(country: string): Record<string, unknown> {
  return { profile: { field: 'COUNTRY', operator: 'EQ', value: country } };
}

export function memberOf(segmentId: string, isMember = true): Record<string, unknown> {
  return { membership: { segmentId, isMember } };
}

/** Creates a segment through the API (unique name unless given) and returns its id. */
export async function createSegment(
  pulse: TestPulse,
  input: Record<string, unknown>,
): Promise<{ id: string; version: number; unknownExternalIds: string[] }> {
  const response = await pulse.query<{
    createSegment: { segment: { id: string; version: number }; unknownExternalIds: string[] };
  }>(CREATE_SEGMENT, { input: { name: unique('segment'), ...input } });
  if (!response.data) {
    throw new Error(`creating a segment failed: ${JSON.stringify(response.errors)}`);
  }

  return {
    ...response.data.createSegment.segment,
    unknownExternalIds: response.data.createSegment.unknownExternalIds,
  };
}

export async function refresh(
  pulse: TestPulse,
  id: string,
): Promise<{ entered: number; left: number; size: number }> {
  const response = await pulse.query<{
    refreshSegment: { entered: number; left: number; size: number };
  }>(REFRESH_SEGMENT, { input: { id } });
  if (!response.data) {
    throw new Error(`refreshing a segment failed: ${JSON.stringify(response.errors)}`);
  }
  const { entered, left, size } = response.data.refreshSegment;

  return { entered, left, size };
}

/** Rows in every segment table, to show that an operation wrote nothing. */
export async function segmentRowCounts(pulse: TestPulse): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'segments',
    'segment_memberships',
    'segment_membership_history',
    'segment_refreshes',
    'segment_refresh_staging',
  ]) {
    const [{ n }] = await pulse.app.db.query(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number(n);
  }

  return counts;
}
