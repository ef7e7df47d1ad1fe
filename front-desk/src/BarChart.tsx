// A bar chart in SVG, with the same figures as a table for screen readers (the drawing is
// hidden from them).

export interface Bar {
  label: string;
  value: number;
  /** What the value is in words, for the table and the bar's tooltip. */
  shown: string;
}

const HEIGHT = 160;
const GAP = 2;

export function BarChart({ title, bars, unit }: { title: string; bars: Bar[]; unit: string }) {
  const highest = Math.max(1, ...bars.map((bar) => bar.value));
  const width = Math.max(bars.length * 18, 240);
  const barWidth = width / Math.max(bars.length, 1) - GAP;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} width="100%" height={HEIGHT} aria-hidden="true" preserveAspectRatio="none">
        {bars.map((bar, index) => {
          const height = (bar.value / highest) * HEIGHT;
          return (
            <rect
              key={bar.label}
              x={index * (barWidth + GAP)}
              y={HEIGHT - height}
              width={barWidth}
              height={height}
              className="bar"
            >
              <title>{`${bar.label}: ${bar.shown}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="axis" aria-hidden="true">
        <span>{bars[0]?.label}</span>
        <span>{bars.length > 1 ? bars[bars.length - 1]?.label : ""}</span>
      </div>
      <table className="visually-hidden">
        <thead>
          <tr>
            <th scope="col">{title}</th>
            <th scope="col">{unit}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <td>{bar.label}</td>
              <td>{bar.shown}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
