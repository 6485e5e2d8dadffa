import type { DomainEventWire } from '@omni/events';
import type { CustomerContext } from '../context';
import { setConsent, type SetConsentInput } from '../services/consent-service';
import { eraseCustomer, type EraseCustomerInput } from '../services/personal-data-service';
import { requestSignInCode, signInWithCode, type RequestSignInCodeInput, type SignInWithCodeInput } from '../services/sign-in-service';
import { updateCustomerProfile, type UpdateProfileInput } from '../services/customer-service';
import { payWithLoyaltyPoints, refundLoyaltyPayment, type PayWithLoyaltyPointsInput, type RefundLoyaltyPaymentInput } from '../services/loyalty-payment-service';
import { identifyCustomer, mergeCustomers, type IdentifyCustomerInput, type MergeCustomersInput } from '../services/identity-service';
import {
  earnLoyaltyPoints,
  expireLoyaltyPoints,
  redeemLoyaltyPoints,
  type EarnLoyaltyPointsInput,
  type RedeemLoyaltyPointsInput,
} from '../services/loyalty-service';
import {
  receiveCustomerEvents,
  recordProductView,
  recordTouchpoint,
  type RecordProductViewInput,
  type RecordTouchpointInput,
} from '../services/timeline-service';

export const Mutation = {
  async updateCustomerProfile(_: unknown, args: { input: UpdateProfileInput }, ctx: CustomerContext) {
    const outcome = await updateCustomerProfile(ctx, args.input);
    return outcome.ok ? { customer: outcome.value, userErrors: [] } : { customer: null, userErrors: outcome.userErrors };
  },
  async identifyCustomer(_: unknown, args: { input: IdentifyCustomerInput }, ctx: CustomerContext) {
    const outcome = await identifyCustomer(ctx, args.input);
    if (!outcome.ok) return { customer: null, created: false, mergedIds: [], suggestedMatches: [], userErrors: outcome.userErrors };
    const { customer, created, mergedIds, suggestedIds } = outcome.value;
    const suggestedMatches = (await ctx.loaders.customerById.loadMany(suggestedIds)).filter((row) => row && !(row instanceof Error));
    return { customer, created, mergedIds, suggestedMatches, userErrors: [] };
  },
  async mergeCustomers(_: unknown, args: { input: MergeCustomersInput }, ctx: CustomerContext) {
    const outcome = await mergeCustomers(ctx, args.input);
    return outcome.ok ? { customer: outcome.value.survivor, merge: outcome.value.merge, userErrors: [] } : { customer: null, merge: null, userErrors: outcome.userErrors };
  },
  async recordTouchpoint(_: unknown, args: { input: RecordTouchpointInput }, ctx: CustomerContext) {
    const outcome = await recordTouchpoint(ctx, args.input);
    return outcome.ok ? { entry: outcome.value, userErrors: [] } : { entry: null, userErrors: outcome.userErrors };
  },
  async recordProductView(_: unknown, args: { input: RecordProductViewInput }, ctx: CustomerContext) {
    const outcome = await recordProductView(ctx, args.input);
    return outcome.ok ? { customer: outcome.value, userErrors: [] } : { customer: null, userErrors: outcome.userErrors };
  },
  async earnLoyaltyPoints(_: unknown, args: { input: EarnLoyaltyPointsInput }, ctx: CustomerContext) {
    const outcome = await earnLoyaltyPoints(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { entry: null, account: null, userErrors: outcome.userErrors };
  },
  async redeemLoyaltyPoints(_: unknown, args: { input: RedeemLoyaltyPointsInput }, ctx: CustomerContext) {
    const outcome = await redeemLoyaltyPoints(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { entry: null, account: null, userErrors: outcome.userErrors };
  },
  async expireLoyaltyPoints(_: unknown, args: { input: { customerId?: string | null } }, ctx: CustomerContext) {
    const outcome = await expireLoyaltyPoints(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { expiredPoints: 0, customers: 0, userErrors: outcome.userErrors };
  },
  async payWithLoyaltyPoints(_: unknown, args: { input: PayWithLoyaltyPointsInput }, ctx: CustomerContext) {
    const outcome = await payWithLoyaltyPoints(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { payment: null, account: null, userErrors: outcome.userErrors };
  },
  async refundLoyaltyPayment(_: unknown, args: { input: RefundLoyaltyPaymentInput }, ctx: CustomerContext) {
    const outcome = await refundLoyaltyPayment(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { payment: null, account: null, userErrors: outcome.userErrors };
  },
  async setConsent(_: unknown, args: { input: SetConsentInput }, ctx: CustomerContext) {
    const outcome = await setConsent(ctx, args.input);
    return outcome.ok ? { consent: outcome.value, userErrors: [] } : { consent: null, userErrors: outcome.userErrors };
  },
  async eraseCustomer(_: unknown, args: { input: EraseCustomerInput }, ctx: CustomerContext) {
    const outcome = await eraseCustomer(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { customer: null, erasedIn: [], userErrors: outcome.userErrors };
  },
  async requestSignInCode(_: unknown, args: { input: RequestSignInCodeInput }, ctx: CustomerContext) {
    const outcome = await requestSignInCode(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { challengeId: null, expiresAt: null, userErrors: outcome.userErrors };
  },
  async signInWithCode(_: unknown, args: { input: SignInWithCodeInput }, ctx: CustomerContext) {
    const outcome = await signInWithCode(ctx, args.input);
    return outcome.ok ? { ...outcome.value, userErrors: [] } : { accessToken: null, customer: null, userErrors: outcome.userErrors };
  },
  async receiveCustomerEvents(_: unknown, args: { events: DomainEventWire[] }, ctx: CustomerContext) {
    return { accepted: await receiveCustomerEvents(ctx, args.events) };
  },
};
