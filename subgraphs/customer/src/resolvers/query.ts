import type { CustomerContext } from '../context';
import { getCustomer, getSignedInCustomer } from '../services/customer-service';
import { previewMerge } from '../services/identity-service';
import { exportCustomerData } from '../services/personal-data-service';
import { getStaffMember } from '../services/staff-service';
import { resolveNode, resolveNodes } from '../services/node-service';
import { currentCustomerIds } from '../services/customer-directory-service';
import { customerSegments } from '../services/segment-service';

export const Query = {
  me: (_: unknown, __: unknown, ctx: CustomerContext) => getSignedInCustomer(ctx),
  customer: (_: unknown, args: { id: string }, ctx: CustomerContext) => getCustomer(ctx, args.id),
  staffMember: (_: unknown, args: { id: string }, ctx: CustomerContext) => getStaffMember(ctx, args.id),
  node: (_: unknown, args: { id: string }, ctx: CustomerContext) => resolveNode(ctx, args.id),
  nodes: (_: unknown, args: { ids: string[] }, ctx: CustomerContext) => resolveNodes(ctx, args.ids),
  customerMergePreview: (_: unknown, args: { survivorId: string; mergedId: string }, ctx: CustomerContext) =>
    previewMerge(ctx, args.survivorId, args.mergedId),
  exportCustomerData: (_: unknown, args: { customerId?: string | null }, ctx: CustomerContext) => exportCustomerData(ctx, args.customerId),
  currentCustomerIds: (_: unknown, args: { ids: string[] }, ctx: CustomerContext) => currentCustomerIds(ctx, args.ids),
  customerSegments: (_: unknown, args: { customerIds: string[] }, ctx: CustomerContext) => customerSegments(ctx, args.customerIds),
};
