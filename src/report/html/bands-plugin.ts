/**
 * A tiny chart.js plugin, written once as plain JavaScript source so the same code runs
 * inline in index.html and in Node for the PNGs. Options (JSON, in
 * `options.plugins.capbenchBands`): `bands` [{from, to, color, label}] shaded on the x
 * axis (fault windows), `markers` [{t, color, label}] vertical lines (platform events),
 * `hlines` [{y, color, label}] horizontal lines (SLO limits), `labels` show marker text.
 */
export const BANDS_PLUGIN_SOURCE = String.raw`({
  id: 'capbenchBands',
  beforeDraw: function (chart, _args, opts) {
    var ctx = chart.ctx, x = chart.scales.x, a = chart.chartArea;
    if (!x || !a) return;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    (opts.bands || []).forEach(function (b, bi) {
      var x0 = Math.max(a.left, x.getPixelForValue(b.from)), x1 = Math.min(a.right, x.getPixelForValue(b.to));
      if (!(x1 > x0)) x1 = x0 + 2;
      ctx.fillStyle = b.color;
      ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
      if (b.label) {
        ctx.fillStyle = '#333';
        ctx.font = '11px sans-serif';
        ctx.textBaseline = 'bottom';
        ctx.fillText(b.label, x0 + 3, a.bottom - 3 - bi * 12);
      }
    });
    ctx.restore();
  },
  afterDatasetsDraw: function (chart, _args, opts) {
    var ctx = chart.ctx, x = chart.scales.x, a = chart.chartArea;
    if (!x || !a) return;
    ctx.save();
    (opts.hlines || []).forEach(function (h) {
      var axis = chart.scales[h.axis || 'y'];
      if (!axis) return;
      var y = axis.getPixelForValue(h.y);
      if (!(y >= a.top && y <= a.bottom)) return;
      ctx.strokeStyle = h.color; ctx.lineWidth = 1.5; ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(a.left, y); ctx.lineTo(a.right, y); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = h.color; ctx.font = '11px sans-serif'; ctx.textBaseline = 'bottom';
      ctx.fillText(h.label, a.right - ctx.measureText(h.label).width - 4, y - 2);
    });
    // labels go in the first of 4 rows where they do not overlap an earlier label; else none
    var rows = [[], [], [], []];
    (opts.markers || []).slice().sort(function (p, q) { return p.t - q.t; }).forEach(function (m) {
      var px = x.getPixelForValue(m.t);
      if (!(px >= a.left && px <= a.right)) return;
      ctx.strokeStyle = m.color; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
      ctx.beginPath(); ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); ctx.stroke();
      ctx.setLineDash([]);
      if (opts.labels && m.label) {
        ctx.font = '10px sans-serif'; ctx.textBaseline = 'top';
        var w = ctx.measureText(m.label).width;
        var lx = px + w + 4 > a.right ? px - w - 3 : px + 3;
        for (var r = 0; r < rows.length; r++) {
          var free = rows[r].every(function (s) { return lx > s[1] + 4 || lx + w < s[0] - 4; });
          if (!free) continue;
          rows[r].push([lx, lx + w]);
          ctx.fillStyle = 'rgba(255,255,255,0.8)'; ctx.fillRect(lx - 1, a.top + 2 + r * 12, w + 2, 11);
          ctx.fillStyle = m.color; ctx.fillText(m.label, lx, a.top + 2 + r * 12);
          break;
        }
      }
    });
    ctx.restore();
  }
})`;

/** The plugin object for Node (PNG rendering), from the same source the HTML inlines. */
export function bandsPlugin(): object {
  return new Function(`return ${BANDS_PLUGIN_SOURCE};`)() as object;
}
