/**
 * Builds the bodyStructure tree (RFC 8621 4.1.4) from a raw message, within the MimeLimits. message/rfc822 and
 * message/global parts are leaves: bodyStructure does not recurse into them.
 */
import { parseHeaderBlock } from './header-block.js';
import { splitMultipart } from './multipart-split.js';
import { partProps, type PartProps } from './part-props.js';
import { decodeTransfer, KNOWN_ENCODINGS } from './transfer-encoding.js';
import type { BodyPart, EmailHeader, MimeLimits } from './types.js';

export interface TreeContext {
  raw: Buffer;
  limits: MimeLimits;
  problems: string[];
  partCount: number;
}

const childPath = (path: string, index: number) => (path ? `${path}.${index}` : String(index));
const describe = (path: string) => (path ? `part ${path}` : 'message');

function basePart(headers: EmailHeader[], props: PartProps, range: [number, number]) {
  return {
    headers,
    name: props.name,
    type: props.type,
    charset: props.charset,
    disposition: props.disposition,
    cid: props.cid,
    language: props.language,
    location: props.location,
    bodyOffset: range[0],
    bodyLength: range[1] - range[0],
    encoding: props.encoding,
  };
}

function leaf(
  ctx: TreeContext,
  headers: EmailHeader[],
  props: PartProps,
  range: [number, number],
  path: string,
): BodyPart {
  if (props.encoding !== null && !KNOWN_ENCODINGS.has(props.encoding)) {
    ctx.problems.push(
      `${describe(path)}: unknown Content-Transfer-Encoding "${props.encoding}" read as identity`,
    );
  }
  const size = decodeTransfer(ctx.raw.subarray(range[0], range[1]), props.encoding).length;
  return { partId: path || '1', ...basePart(headers, props, range), size };
}

/** A part with no header fields standing for content that was not (or could not be) parsed as MIME. */
function opaque(ctx: TreeContext, range: [number, number], path: string, type: string): BodyPart {
  ctx.partCount++;
  const props: PartProps = {
    type,
    charset: type.startsWith('text/') ? 'us-ascii' : null,
    name: null,
    disposition: null,
    cid: null,
    language: null,
    location: null,
    boundary: null,
    encoding: null,
  };
  return leaf(ctx, [], props, range, path);
}

function multipart(
  ctx: TreeContext,
  node: BodyPart,
  boundary: string | null,
  path: string,
  depth: number,
): BodyPart {
  const range: [number, number] = [node.bodyOffset, node.bodyOffset + node.bodyLength];
  const subParts: BodyPart[] = (node.subParts = []);
  const where = describe(path);
  if (node.encoding !== null && !['7bit', '8bit', 'binary'].includes(node.encoding)) {
    ctx.problems.push(
      `${where}: Content-Transfer-Encoding "${node.encoding}" on a multipart ignored (RFC 2045 6.4)`,
    );
  }
  if (depth >= ctx.limits.maxDepth) {
    ctx.problems.push(`${where}: nesting deeper than ${ctx.limits.maxDepth} levels kept as one opaque part`);
    subParts.push(opaque(ctx, range, childPath(path, 1), 'application/octet-stream'));
    return node;
  }
  const split = boundary
    ? splitMultipart(ctx.raw, range[0], range[1], boundary, ctx.limits.maxParts - ctx.partCount)
    : null;
  if (!split || (split.parts.length === 0 && !split.rest)) {
    ctx.problems.push(
      `${where}: ${boundary ? 'no boundary delimiter found' : 'no boundary parameter'}; body kept as one text part`,
    );
    subParts.push(opaque(ctx, range, childPath(path, 1), 'text/plain'));
    return node;
  }
  if (!split.closed) ctx.problems.push(`${where}: multipart not terminated by a close delimiter`);
  const childType = node.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  for (const partRange of split.parts) {
    if (ctx.partCount >= ctx.limits.maxParts) {
      split.rest = [partRange[0], split.rest ? split.rest[1] : (split.parts.at(-1) ?? partRange)[1]];
      break;
    }
    subParts.push(buildPart(ctx, partRange, childPath(path, subParts.length + 1), depth + 1, childType));
  }
  if (split.rest) {
    ctx.problems.push(`${where}: more than ${ctx.limits.maxParts} parts; the rest kept as one opaque part`);
    subParts.push(opaque(ctx, split.rest, childPath(path, subParts.length + 1), 'application/octet-stream'));
  }
  return node;
}

/** MIME readers disagree on which of two Content-* fields counts; this parser takes the first. */
function reportDuplicates(ctx: TreeContext, headers: EmailHeader[], where: string): void {
  for (const name of ['content-type', 'content-transfer-encoding', 'content-disposition']) {
    if (headers.filter((h) => h.name.toLowerCase() === name).length > 1) {
      ctx.problems.push(`${where}: several ${name} fields; the first is used`);
    }
  }
}

/** Parses the entity in raw[range): its header block, then its body. */
export function buildPart(
  ctx: TreeContext,
  range: [number, number],
  path: string,
  depth: number,
  defaultType: string,
): BodyPart {
  ctx.partCount++;
  const where = describe(path);
  const block = parseHeaderBlock(ctx.raw, range[0], range[1], ctx.limits, ctx.problems, where);
  const props = partProps(block.headers, defaultType);
  reportDuplicates(ctx, block.headers, where);
  const bodyRange: [number, number] = [block.bodyStart, range[1]];
  if (!props.type.startsWith('multipart/')) return leaf(ctx, block.headers, props, bodyRange, path);
  const node: BodyPart = {
    partId: null,
    ...basePart(block.headers, props, bodyRange),
    size: bodyRange[1] - bodyRange[0],
  };
  return multipart(ctx, node, props.boundary, path, depth);
}
