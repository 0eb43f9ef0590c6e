export { GraphBuilder, float, floats } from './graph-builder.ts';
export type { AttrValue, Dim, ExternalData, ModelOptions, NodeOptions } from './graph-builder.ts';
export { BYTES_PER_ELEMENT, ONNX_DATA_TYPE, dataTypeOfCode, elementCount } from './tensor-types.ts';
export type { DataType } from './tensor-types.ts';
export { GRAPH_OPSETS, STANDARD_OPSETS } from './opsets.ts';
