// A QR code drawn as one SVG path: sharp at any size, and dark on white whatever the theme,
// because till scanners read dark modules on a light field.
import { useMemo } from "react";
import { encode } from "uqr";

export function qrPath(text: string): { path: string; size: number } {
  const { data, size } = encode(text, { ecc: "M", border: 2 });
  let path = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return { path, size };
}

export function QrCode({ value, label }: { value: string; label: string }) {
  const { path, size } = useMemo(() => qrPath(value), [value]);
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      data-value={value}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
