/**
 * Collects the nodes and constants of one ONNX graph while the exporter walks a model. Node names
 * are derived from a counter, so the same model always yields the same names (and bytes).
 */
import type { AttributeValue, NodeSpec, TensorSpec } from './onnx-proto.js';

export const ML_DOMAIN = 'ai.onnx.ml';

/** Prefix of every intermediate value, so they read as Slipway's own in a graph viewer. */
export const INTERNAL_PREFIX = 'slipway/';

export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];

  /** Adds a node and returns its first output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    domain = '',
  ): string {
    this.nodes.push({ name: `${INTERNAL_PREFIX}${this.nodes.length}/${opType}`, opType, domain, inputs, outputs, attributes });
    return outputs[0] ?? '';
  }

  /** An ai.onnx.ml node. */
  ml(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, AttributeValue>): string {
    return this.node(opType, inputs, outputs, attributes, ML_DOMAIN);
  }

  /** A constant tensor (graph initializer); returns its name. */
  constant(tensor: TensorSpec): string {
    this.initializers.push(tensor);
    return tensor.name;
  }

  /** Every name this builder produced (node outputs and constants), to check raw column names against. */
  producedNames(): Set<string> {
    const names = new Set<string>(this.initializers.map((t) => t.name));
    for (const n of this.nodes) for (const o of n.outputs) names.add(o);
    return names;
  }
}
