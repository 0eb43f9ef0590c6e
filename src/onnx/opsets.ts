/** The opset of each operator domain wan-web's graphs use: standard ONNX, and onnxruntime's contrib ops. */
export const GRAPH_OPSETS = { '': 21, 'com.microsoft': 1 } as const;

/** The opsets of a graph made of standard ONNX ops only. */
export const STANDARD_OPSETS = { '': GRAPH_OPSETS[''] } as const;
