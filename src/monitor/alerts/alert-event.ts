/**
 * An alert as stored (table `alerts`) and the events its lifecycle emits: 'alert.fired' when a rule
 * starts to breach, 'alert.resolved' when it holds again. Actions receive these.
 */
import type { AlertRule } from './alert-rules.js';
import type { MonitorSnapshot } from './monitor-snapshot.js';

export type AlertState = 'firing' | 'resolved';

export interface Alert {
  readonly id: number;
  readonly monitor: string;
  /** The rule's name. */
  readonly rule: string;
  readonly state: AlertState;
  /** When Slipway opened the alert (epoch ms). */
  readonly startedTime: number;
  /** When the rule held again (epoch ms); null while firing. */
  readonly resolvedTime: number | null;
  /**
   * The figure at the latest evaluation that kept or changed the alert: the breaching value while
   * firing, the value that held once resolved. The value that fired it is in the 'alert.fired' audit entry.
   */
  readonly value: number | null;
  /** The matching message, e.g. "dataset drift share 0.62 is above 0.5". */
  readonly message: string;
}

export type AlertEventName = 'alert.fired' | 'alert.resolved';

export interface AlertEvent {
  readonly event: AlertEventName;
  /** The alert after the transition. */
  readonly alert: Alert;
  readonly rule: AlertRule;
  /** The monitor run that caused the transition. */
  readonly snapshot: MonitorSnapshot;
}
