/* chart.c — SVG bar charts with their tables (see include/chart.h). */
#include "chart.h"
#include "html.h"
#include "layout.h"
#include "req.h"

/* Each row: the label on its own line (never clipped), the bar below it.
 * The SVG is as wide as its box and never scaled: bars are drawn in
 * percent of the width, so the text keeps its size (13 px) on a phone. */
#define ROW_H 44
#define BAR_H 16
#define BAR_MAX_PCT 85

void chart_bars(struct req *r, const char *id, const char *caption, const char *label_head,
                const char *value_head, const struct bar *bars, int n, double max, const char *unit)
{
	if (max <= 0)
		max = 1;
	int h = n * ROW_H + 8;
	html(r, "<figure class=\"chart\">\n<figcaption id=\"%s-c\">%s</figcaption>\n", id, caption);
	html(r, "<svg role=\"img\" aria-labelledby=\"%s-c\" width=\"100%%\" height=\"%d\""
	        " xmlns=\"http://www.w3.org/2000/svg\">\n", id, h);
	for (int i = 0; i < n; i++) {
		int y = 4 + i * ROW_H;
		html(r, "<text x=\"0\" y=\"%d\" class=\"label\">%s</text>\n", y + 12, bars[i].label);
		int by = y + 18;
		if (bars[i].suppressed) {
			html(r, "<text x=\"0\" y=\"%d\" class=\"value\">not shown</text>\n", by + BAR_H - 3);
			continue;
		}
		double v = bars[i].value < 0 ? 0 : bars[i].value > max ? max : bars[i].value;
		int len = (int)(BAR_MAX_PCT * v / max + 0.5);
		html(r, "<rect x=\"0\" y=\"%d\" width=\"%d%%\" height=\"%d\" class=\"bar\"/>\n", by, len, BAR_H);
		html(r, "<text x=\"%d%%\" dx=\"6\" y=\"%d\" class=\"value\">%d%s</text>\n", len, by + BAR_H - 3,
		     (int)(bars[i].value + 0.5), unit);
	}
	html(r, "</svg>\n</figure>\n");
	table_begin(r, "chart-data", arena_printf(&r->arena, "%s: the figures", caption));
	html(r, "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	     label_head, value_head);
	for (int i = 0; i < n; i++) {
		if (bars[i].suppressed)
			html(r, "<tr><th scope=\"row\">%s</th><td>None counted</td></tr>\n", bars[i].label);
		else
			html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%d%s%s%s</td></tr>\n", bars[i].label,
			     (int)(bars[i].value + 0.5), unit, bars[i].note ? " " : "", bars[i].note ? bars[i].note : "");
	}
	html(r, "</tbody>\n");
	table_end(r);
}
