/**
 * @parley/protocol: the Engine.IO v4 and Socket.IO v5 codecs (and the Engine.IO v3 framing
 * that servers need for socket.io-client 2.x). Pure functions and one small
 * decoder state machine; no runtime dependencies; runs in browsers and Node.
 */
export { type BinaryData, decodeBase64, encodeBase64, isBinary, toPlatformBytes, toUint8Array } from './binary.js';
export {
  BASE64_PREFIX,
  decodeEnginePacket,
  ENGINE_PACKET_TYPES,
  type EnginePacket,
  type EnginePacketType,
  type EngineRawData,
  encodeEnginePacket,
  encodeEnginePacketAsText,
} from './engine/packet.js';
export { decodePayload, encodePayload, joinPayload, RECORD_SEPARATOR } from './engine/payload.js';
export {
  decodeV3Packet,
  decodeV3Payload,
  encodeV3BinaryFrame,
  encodeV3BinaryPayload,
  encodeV3PacketAsText,
  encodeV3TextPayload,
  hasBinaryPacket,
} from './engine/v3.js';
export { CodedError, ProtocolError, type ProtocolErrorCode } from './errors.js';
export { extractAttachments, hasBinary, insertAttachments } from './socket/binary.js';
export { DEFAULT_MAX_ATTACHMENTS, Decoder, type DecoderOptions, parseText } from './socket/decoder.js';
export { encodePacket } from './socket/encoder.js';
export { MAX_NESTING_DEPTH } from './socket/json-depth.js';
export { type EncodedPacket, PacketType, RESERVED_EVENTS, type SocketPacket } from './socket/packet.js';

/** Engine.IO protocol revision spoken by this package (the `EIO` query parameter). */
export const ENGINE_PROTOCOL = 4;
/** Socket.IO protocol revision spoken by this package. */
export const SOCKET_PROTOCOL = 5;
