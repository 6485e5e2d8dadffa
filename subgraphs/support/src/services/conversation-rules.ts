import type { ConversationRow, ConversationStatus, HandOffReason, MessengerProvider } from '../db/schema';

/** The part of a conversation the inbox rules read and change. */
export type InboxState = Pick<
  ConversationRow,
  'status' | 'assigneeStaffId' | 'waitingSince' | 'handedOffAt' | 'firstResponseAt' | 'resolvedAt' | 'handOffReason' | 'handOffSummary'
>;
export type InboxChange = Partial<InboxState>;
export type Transition = { ok: true; change: InboxChange } | { ok: false; message: string };

/** A resolved conversation older than this is not continued by a new inbound message: a new one starts. */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Providers a reply can be sent back through; web chat reads the conversation itself, a phone cannot. */
export const OUTBOUND_PROVIDERS: readonly MessengerProvider[] = ['TELEGRAM', 'WHATSAPP', 'VK'];

const CLEARED_CYCLE: InboxChange = {
  assigneeStaffId: null,
  waitingSince: null,
  handedOffAt: null,
  firstResponseAt: null,
  resolvedAt: null,
  handOffReason: null,
  handOffSummary: null,
};

/** A customer message reopens a resolved conversation for the bot (a new cycle); otherwise the state stays. */
export function afterCustomerMessage(state: InboxState): InboxChange {
  return state.status === 'RESOLVED' ? { ...CLEARED_CYCLE, status: 'BOT' } : {};
}

/**
 * An agent who writes takes the conversation unless someone has it already; the first agent
 * message answers the wait the SLA measures.
 */
export function afterAgentMessage(state: InboxState, staffId: string | null, now: Date): InboxChange {
  const assignee = state.status === 'RESOLVED' ? staffId : (state.assigneeStaffId ?? staffId);
  // An administrator is no staff member: they answer, but nobody takes the conversation.
  if (!assignee) return { firstResponseAt: state.firstResponseAt ?? now, ...(state.status === 'RESOLVED' ? { status: 'WAITING_FOR_AGENT', resolvedAt: null, waitingSince: now, handedOffAt: state.handedOffAt ?? now } : {}) };
  return { status: 'ASSIGNED', assigneeStaffId: assignee, waitingSince: null, resolvedAt: null, firstResponseAt: state.firstResponseAt ?? now };
}

/** The bot hands a conversation it holds (or one already queued, with a fresh summary) to the agents' queue. */
export function handOff(state: InboxState, reason: HandOffReason, summary: string, now: Date): Transition {
  if (state.status !== 'BOT' && state.status !== 'WAITING_FOR_AGENT') {
    return { ok: false, message: `A conversation that is ${state.status} cannot be handed off` };
  }
  return {
    ok: true,
    change: {
      status: 'WAITING_FOR_AGENT',
      waitingSince: state.waitingSince ?? now,
      handedOffAt: state.handedOffAt ?? now,
      handOffReason: reason,
      handOffSummary: summary,
    },
  };
}

/** An agent takes a conversation from the queue (or from the bot); taking one's own again changes nothing. */
export function take(state: InboxState, staffId: string): Transition {
  if (state.status === 'RESOLVED') return { ok: false, message: 'The conversation is resolved' };
  if (state.status === 'ASSIGNED') {
    return state.assigneeStaffId === staffId ? { ok: true, change: {} } : { ok: false, message: 'Another agent has taken the conversation' };
  }
  return { ok: true, change: { status: 'ASSIGNED', assigneeStaffId: staffId, waitingSince: null } };
}

/** Assigning hands a conversation that nobody has to a named agent; one already assigned is transferred instead. */
export function assign(state: InboxState, staffId: string): Transition {
  if (state.status === 'ASSIGNED') {
    return state.assigneeStaffId === staffId ? { ok: true, change: {} } : { ok: false, message: 'The conversation is assigned; transfer it instead' };
  }
  return take(state, staffId);
}

/** Transfer moves an assigned conversation to another agent. */
export function transfer(state: InboxState, staffId: string): Transition {
  if (state.status !== 'ASSIGNED') return { ok: false, message: 'Only an assigned conversation can be transferred' };
  return { ok: true, change: { assigneeStaffId: staffId } };
}

/** Resolving is idempotent; the first resolution time stays. */
export function resolve(state: InboxState, now: Date): Transition {
  if (state.status === 'RESOLVED') return { ok: true, change: {} };
  return { ok: true, change: { status: 'RESOLVED', waitingSince: null, resolvedAt: now } };
}

/** Whether a new inbound message continues this (the customer's latest) conversation. */
export function continuesConversation(latest: Pick<ConversationRow, 'status' | 'resolvedAt'>, now: Date): boolean {
  if (latest.status !== 'RESOLVED') return true;
  return !!latest.resolvedAt && now.getTime() - latest.resolvedAt.getTime() <= REOPEN_WINDOW_MS;
}

/**
 * The first response is late when no agent answered within the SLA after the conversation was
 * handed to people (a conversation never handed off has no SLA running).
 */
export function isSlaBreached(state: Pick<InboxState, 'handedOffAt' | 'firstResponseAt'>, slaMinutes: number, now: Date): boolean {
  if (!state.handedOffAt) return false;
  const answeredAt = state.firstResponseAt ?? now;
  return answeredAt.getTime() - state.handedOffAt.getTime() > slaMinutes * 60_000;
}

/** The status a new conversation starts in: the bot greets customers, an agent's own conversation is theirs. */
export function initialStatus(authorKind: 'CUSTOMER' | 'AGENT'): ConversationStatus {
  return authorKind === 'CUSTOMER' ? 'BOT' : 'ASSIGNED';
}

/** The customer is told in the language they wrote in: Cyrillic text gets Russian. */
export function handOffNotice(lastCustomerText: string | null): string {
  return lastCustomerText && /[\u0400-\u04FF]/.test(lastCustomerText)
    ? 'Передаю ваш вопрос сотруднику — он ответит здесь в ближайшее время.'
    : 'I am passing you to a colleague, who will answer here shortly.';
}
