// Reads a Bot API call's parameters from wherever Telegram accepts them: the query string, a
// JSON body, an urlencoded body, or multipart/form-data (grammY switches to multipart as soon
// as one parameter is an InputFile).

export type Params = Record<string, unknown>;

/** What the fake records in place of an uploaded file: Telegram never echoes the bytes back. */
export interface UploadedFile {
  readonly file_id: string;
  readonly filename: string;
  readonly size: number;
}

// Form fields arrive as strings and Telegram reads them by each method's schema. Without the
// schema we decode what is unambiguously JSON (numbers, booleans, reply_markup objects) and keep
// free text exactly as sent, so a caption of "42" stays a string.
const FREE_TEXT = new Set([
  "text",
  "caption",
  "data",
  "url",
  "secret_token",
  "query",
  "title",
  "description",
  "short_description",
  "first_name",
  "last_name",
  "phone_number",
  "callback_query_id",
  "inline_message_id",
  "emoji",
  "name",
]);

function decodeFormValue(key: string, value: string): unknown {
  if (FREE_TEXT.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && "file_id" in value && "size" in value && "filename" in value;
}

export async function readParams(request: Request, newFileId: () => string): Promise<Params> {
  const params: Params = {};
  for (const [key, value] of new URL(request.url).searchParams) params[key] = decodeFormValue(key, value);

  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.startsWith("application/json")) {
    const body: unknown = await request.json();
    if (typeof body === "object" && body !== null && !Array.isArray(body)) Object.assign(params, body);
  } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(await request.text())) params[key] = decodeFormValue(key, value);
  } else if (contentType.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    const parts = parseMultipart(Buffer.from(await request.arrayBuffer()), boundary?.[1] ?? boundary?.[2] ?? "");
    const uploads = new Map<string, UploadedFile>();
    for (const part of parts) {
      if (part.filename === undefined) params[part.name] = decodeFormValue(part.name, part.data.toString("utf8"));
      else uploads.set(part.name, { file_id: newFileId(), filename: part.filename, size: part.data.length });
    }
    // grammY names each file part randomly and points the real parameter at it with
    // "attach://<part>"; fold the file back into the parameter it belongs to.
    for (const [key, value] of Object.entries(params)) {
      if (typeof value !== "string" || !value.startsWith("attach://")) continue;
      const part = value.slice("attach://".length);
      const upload = uploads.get(part);
      if (!upload) continue;
      params[key] = upload;
      uploads.delete(part);
    }
    for (const [key, upload] of uploads) params[key] = upload;
  }
  return params;
}

interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly data: Buffer;
}

// Our own parser because grammY writes part headers as Telegram accepts them but the WHATWG
// parser in Node does not (`content-disposition:form-data;name="x";filename=a.png`: no spaces,
// unquoted filename), so Request.formData() rejects every upload grammY makes.
function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  if (boundary === "") throw new Error("multipart/form-data without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === "--") break;
    const end = body.indexOf(delimiter, from);
    if (end === -1) throw new Error("multipart/form-data body is not terminated");
    // Each part sits between the CRLF after its delimiter and the CRLF before the next one.
    const part = body.subarray(from + 2, end - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw new Error("multipart/form-data part without headers");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const disposition = headers.split("\r\n").find((line) => /^content-disposition\s*:/i.test(line)) ?? "";
    const name = /;\s*name=(?:"([^"]*)"|([^;\s]*))/i.exec(disposition);
    const filename = /;\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
    parts.push({
      name: name?.[1] ?? name?.[2] ?? "",
      ...(filename ? { filename: filename[1] ?? filename[2] ?? "" } : {}),
      data: part.subarray(headerEnd + 4),
    });
    start = end;
  }
  return parts;
}
