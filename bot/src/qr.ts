import QRCode from "qrcode";

/** The guest's QR token as a PNG a till scanner reads from a phone screen at arm's length. */
export function qrPng(token: string): Promise<Buffer> {
  return QRCode.toBuffer(token, { type: "png", width: 512, margin: 2, errorCorrectionLevel: "M" });
}
