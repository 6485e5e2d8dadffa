import { z } from 'zod';
import { createServiceClient, ServiceCallError } from '@omni/graphql';

/** The customer subgraph owns staff members; support asks it whether a staff id names one. */
export interface StaffDirectory {
  exists(staffId: string): Promise<boolean>;
}

const STAFF_MEMBER = /* GraphQL */ `
  query StaffMemberExists($id: ID!) {
    staffMember(id: $id) { id }
  }
`;

const response = z.object({ staffMember: z.object({ id: z.string() }).nullable() });

export function createStaffDirectoryClient(options: { url: string | (() => string); signingSecret: string }): StaffDirectory {
  const client = createServiceClient({ service: 'support', url: options.url, signingSecret: options.signingSecret });
  return {
    async exists(staffId) {
      const parsed = response.safeParse(await client.request<unknown>(STAFF_MEMBER, { id: staffId }));
      if (!parsed.success) throw new ServiceCallError('The customer subgraph returned a malformed staff member');
      return parsed.data.staffMember !== null;
    },
  };
}
