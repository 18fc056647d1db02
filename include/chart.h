/* chart.h — charts drawn by the server as SVG, each followed by a table of
 * the same figures (the table is what screen readers and copy-paste use;
 * the SVG carries a title that sums it up). */
#ifndef ILNET_CHART_H
#define ILNET_CHART_H

struct req;

struct bar {
	const char *label;
	double value;               /* in the chart's unit */
	const char *note;           /* shown in the table beside the value, may be NULL */
	int suppressed;             /* nothing counted: drawn as a gap, said in the table */
};

/* A horizontal bar chart with caption, scaled to max, values shown with
 * unit ("%" or ""), then its table with the column heads label_head and
 * value_head.  id must be unique on the page. */
void chart_bars(struct req *r, const char *id, const char *caption, const char *label_head,
                const char *value_head, const struct bar *bars, int n, double max, const char *unit);

#endif
