import { AckPolicy, DeliverPolicy, JSONCodec, nanos, RetentionPolicy, StorageType, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { describeErrorChain, logger } from '@omni/graphql';
import type { DomainEvent } from './domain-event';
import { fromWire, toWire, type DomainEventWire } from './http-delivery';
import type { DeliverEvents } from './relay';

/** Events a consuming subgraph applies, by producer: `{ cart: ['cart.changed', …] }`. */
export type ConsumedEvents = Readonly<Record<string, readonly string[]>>;

export interface EventConsumerOptions {
  /** The consuming subgraph; durable consumer names start with it, so its instances share them. */
  consumer: string;
  events: ConsumedEvents;
  /** Applies one event (with `applyOnce`); a throw has it delivered again after a delay. */
  handle(event: DomainEvent): Promise<void>;
  /** Wait before a failed event is delivered again, by delivery number (1, 2, …). */
  retryDelayMs?: (delivery: number) => number;
  onError?: (error: unknown) => void;
}

export interface EventConsumer {
  /** Stops pulling; resolves once the event being applied is finished. */
  stop(): Promise<void>;
}

/**
 * Domain events on NATS JetStream: relays publish into one stream, and every consuming subgraph
 * reads through durable consumers named after itself. Instances of a subgraph share those
 * consumers, so each event goes to one of them; one that dies unacknowledged is delivered again.
 */
export interface JetStreamBus {
  /** The stream holding every domain event of this deployment (`<NAMESPACE>_EVENTS`). */
  readonly stream: string;
  /** A relay's `deliver`: publishes a batch and resolves once JetStream stored every event. */
  publisher(producer: string): DeliverEvents;
  /** Creates (or finds) the consumer's durable consumers and applies what they deliver until stopped. */
  consume(options: EventConsumerOptions): Promise<EventConsumer>;
  /** Whether every durable consumer of the stream has applied and acknowledged all it was sent. */
  idle(): Promise<boolean>;
  /** Deletes the stream with its consumers: for a test's own namespace, never a deployment's. */
  destroy(): Promise<void>;
}

const codec = JSONCodec<DomainEventWire>();

/** One token of a subject or a consumer name: what NATS allows, whatever a producer is called. */
const token = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

/** `<namespace>.events.<producer>.<type>`; a dotted type (`cart.changed`) spans two tokens. */
export function eventSubject(namespace: string, producer: string, type: string): string {
  return [namespace, 'events', token(producer), ...type.split('.').map(token)].join('.');
}

/** Long enough to outlast any outage a consumer is expected to come back from. */
const STREAM_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** A relay that died after publishing republishes its batch within the outbox lease; JetStream drops the copies. */
const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
/** An event not acknowledged within this (a stalled instance) goes to another instance. */
const ACK_WAIT_MS = 30_000;

const defaultRetryDelay = (delivery: number) => Math.min(60_000, 250 * 2 ** Math.min(delivery, 8));

export async function createJetStreamBus(connection: NatsConnection, namespace: string): Promise<JetStreamBus> {
  const stream = `${token(namespace).toUpperCase()}_EVENTS`;
  const manager = await connection.jetstreamManager();
  const config = {
    name: stream,
    subjects: [`${namespace}.events.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(STREAM_MAX_AGE_MS),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
  // Every instance runs this at start-up: the first creates the stream, the others find it.
  try {
    await manager.streams.info(stream);
  } catch {
    await manager.streams.add(config).catch(async (error: unknown) => {
      // Another instance created it between our look and our add.
      await manager.streams.info(stream).catch(() => Promise.reject(error));
    });
  }
  const jetstream = connection.jetstream();

  return {
    stream,
    publisher(producer) {
      return async (events) => {
        // Published in parallel, acknowledged all together: the outbox marks the batch delivered
        // only when JetStream stored each event; the event id makes a republished copy a no-op.
        await Promise.all(events.map((event) => jetstream.publish(eventSubject(namespace, producer, event.type), codec.encode(toWire(event)), { msgID: event.id })));
      };
    },

    async consume(options) {
      const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
      const onError = options.onError ?? ((error: unknown) => logger.error({ service: options.consumer }, `${options.consumer} event consumer: ${describeErrorChain(error)}`));
      const subjects = Object.entries(options.events).flatMap(([producer, types]) => types.map((type) => ({ producer, type })));
      const pulls: { messages: ConsumerMessages; done: Promise<void> }[] = [];

      async function apply(message: JsMsg): Promise<void> {
        let event: DomainEvent;
        try {
          event = fromWire(codec.decode(message.data));
        } catch (error) {
          // Unreadable now is unreadable on every redelivery: drop it rather than loop on it.
          onError(error);
          message.term('malformed domain event');
          return;
        }
        try {
          await options.handle(event);
          message.ack();
        } catch (error) {
          onError(error);
          message.nak(retryDelay(message.info.redeliveryCount));
        }
      }

      // NATS 2.9 filters a consumer on one subject, so each consumed type has its own durable
      // consumer, `<consumer>_<producer>_<type>`; every instance of the subgraph binds to the same ones.
      for (const { producer, type } of subjects) {
        const durable = token(`${options.consumer}_${producer}_${type}`);
        const consumerConfig = {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: eventSubject(namespace, producer, type),
          ack_wait: nanos(ACK_WAIT_MS),
          max_deliver: -1,
        };
        // Adding a durable consumer that exists with the same settings returns it unchanged.
        await manager.consumers.add(stream, consumerConfig).catch(() => manager.consumers.update(stream, durable, consumerConfig));
        const messages = await (await jetstream.consumers.get(stream, durable)).consume({ max_messages: 32 });
        const done = (async () => {
          for await (const message of messages) await apply(message);
        })().catch(onError);
        pulls.push({ messages, done });
      }

      return {
        async stop() {
          for (const pull of pulls) pull.messages.stop();
          await Promise.all(pulls.map((pull) => pull.done));
        },
      };
    },

    async idle() {
      for await (const info of manager.consumers.list(stream)) {
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    },

    async destroy() {
      await manager.streams.delete(stream).catch(() => false);
    },
  };
}
