// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the -Q expression, in the grammar of scols-filter(5) that lsfd
 * 2.40+ uses, e.g. '(TYPE == "SOCK") and (RXQ > 0 or NAME =~ "^/run")'.
 *
 *   expr    := and { (or | ||) and }
 *   and     := unary { (and | &&) unary }
 *   unary   := term | (not | !) unary
 *   term    := ( expr ) | operand [ op operand ]
 *   operand := COLUMN | "string" | 'string' | NUMBER | true | false
 *   op      := == != < <= > >= =~ !~  (or eq ne lt le gt ge)
 *
 * Bare words are column names; strings are quoted. Both sides of a
 * comparison must have one type (a boolean column also takes 0 and 1), an
 * ordering compares numbers or strings, and the right side of =~ or !~ is a
 * string holding a POSIX extended regular expression. A boolean operand
 * alone is a condition. A value that does not apply ("-") is unequal to
 * everything, orders with nothing and matches no regular expression.
 *
 * libsmartcols 2.38 (Debian 12) has no filter API. The interface below
 * follows the one 2.40 added, so that it can be swapped for it:
 * filter_parse() is scols_new_filter() and scols_filter_parse_string(),
 * filter_need() walks what scols_filter_next_holder() would return, and
 * filter_match() is scols_line_apply_filter().
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libsmartcols.h>

#include "fdscope.h"

enum node_kind { N_OR, N_AND, N_NOT, N_CMP, N_TEST };
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE, OP_NRE };
enum { T_END, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_OP, T_WORD, T_STRING };
enum value_type { V_STR, V_NUM, V_BOOL };

/* One side of a comparison: a column, or a literal already converted. */
struct operand {
	int col;		/* -1 for a literal */
	enum value_type type;
	char *text;		/* a string literal, or the literal as written */
	char *label;		/* how messages show it: a column's name, "string" */
	u64 num;		/* a number or boolean literal */
};

struct node {
	enum node_kind kind;
	struct node *l;
	struct node *r;
	int op;
	struct operand a;	/* N_CMP: a op b; N_TEST: a alone */
	struct operand b;
	bool has_re;
	regex_t re;
};

struct filter {
	struct node *root;
	struct sbuf left;	/* a column's text while the other side is read */
};

struct lexer {
	const char *s;
	const char *p;
	int tok;
	int op;
	int depth;
	struct sbuf text;
};

#define MAX_DEPTH	64

static const struct {
	const char *name;
	int op;
} ops[] = {
	{ "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
	{ "=~", OP_RE }, { "!~", OP_NRE }, { "<", OP_LT }, { ">", OP_GT },
	{ "eq", OP_EQ }, { "ne", OP_NE }, { "lt", OP_LT }, { "le", OP_LE },
	{ "gt", OP_GT }, { "ge", OP_GE },
};

#define SYMBOL_OPS	8	/* ops[] before this are symbols, after it words */

static const char * const op_names[] = {
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
	[OP_GT] = ">", [OP_GE] = ">=", [OP_RE] = "=~", [OP_NRE] = "!~",
};

static const char * const type_names[] = {
	[V_STR] = "a string", [V_NUM] = "a number", [V_BOOL] = "a boolean",
};

static bool word_char(char c)
{
	return c && !strchr(" \t\n()=!<>&|\"'", c);
}

/* A quoted string: \\, \" and \' stand for the character, other escapes stay. */
static int lex_string(struct lexer *lx, const char *p)
{
	char q = *p++;

	while (*p && *p != q) {
		if (*p == '\\' && (p[1] == '\\' || p[1] == '"' || p[1] == '\''))
			p++;
		sb_addc(&lx->text, *p++);
	}
	if (!*p)
		return fds_err("-Q: unterminated string");
	if (!lx->text.s)
		sb_add(&lx->text, "");
	lx->tok = T_STRING;
	lx->p = p + 1;
	return 0;
}

/* Read the next token into lx->tok (and lx->text, lx->op). */
static int lex(struct lexer *lx)
{
	const char *p = lx->p;
	size_t i;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	sb_reset(&lx->text);
	lx->p = p;
	if (!*p) {
		lx->tok = T_END;
		return 0;
	}
	if (*p == '(' || *p == ')') {
		lx->tok = *p == '(' ? T_LPAREN : T_RPAREN;
		sb_addc(&lx->text, *p);
		lx->p = p + 1;
		return 0;
	}
	if (!strncmp(p, "&&", 2) || !strncmp(p, "||", 2)) {
		lx->tok = *p == '&' ? T_AND : T_OR;
		sb_addn(&lx->text, p, 2);
		lx->p = p + 2;
		return 0;
	}
	for (i = 0; i < SYMBOL_OPS; i++) {
		size_t n = strlen(ops[i].name);

		if (!strncmp(p, ops[i].name, n)) {
			lx->tok = T_OP;
			lx->op = ops[i].op;
			sb_addn(&lx->text, p, n);
			lx->p = p + n;
			return 0;
		}
	}
	if (*p == '!') {
		lx->tok = T_NOT;
		sb_addc(&lx->text, '!');
		lx->p = p + 1;
		return 0;
	}
	if (*p == '"' || *p == '\'')
		return lex_string(lx, p);
	if (!word_char(*p))
		return fds_err("-Q: unexpected '%c' at offset %zu", *p, (size_t)(p - lx->s));
	while (word_char(*p))
		sb_addc(&lx->text, *p++);
	lx->p = p;
	lx->tok = T_WORD;
	if (!strcasecmp(lx->text.s, "and")) {
		lx->tok = T_AND;
	} else if (!strcasecmp(lx->text.s, "or")) {
		lx->tok = T_OR;
	} else if (!strcasecmp(lx->text.s, "not")) {
		lx->tok = T_NOT;
	} else {
		for (i = SYMBOL_OPS; i < ARRAY_SIZE(ops); i++) {
			if (!strcasecmp(lx->text.s, ops[i].name)) {
				lx->tok = T_OP;
				lx->op = ops[i].op;
			}
		}
	}
	return 0;
}

static const char *tok_text(const struct lexer *lx)
{
	return lx->tok == T_END ? "end of expression" : lx->text.s;
}

static struct node *parse_or(struct lexer *lx);

static struct node *new_node(enum node_kind kind, struct node *l, struct node *r)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->l = l;
	n->r = r;
	n->a.col = -1;
	n->b.col = -1;
	return n;
}

static void free_node(struct node *n)
{
	if (!n)
		return;
	free_node(n->l);
	free_node(n->r);
	if (n->has_re)
		regfree(&n->re);
	free(n->a.text);
	free(n->b.text);
	free(n->a.label);
	free(n->b.label);
	free(n);
}

static enum value_type column_type(int col)
{
	if (columns[col].json == SCOLS_JSON_NUMBER)
		return V_NUM;
	if (columns[col].json == SCOLS_JSON_BOOLEAN)
		return V_BOOL;
	return V_STR;
}

/* Decimal digits only, and no more than fit in 64 bits. */
static int parse_number(const char *s, u64 *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	return errno == ERANGE ? -ERANGE : 0;
}

static const char *operand_kind(const struct operand *o)
{
	return o->col >= 0 ? " column" : "";
}

static char *quoted(const char *s)
{
	struct sbuf b = { 0 };

	sb_addc(&b, '"');
	sb_add(&b, s);
	sb_addc(&b, '"');
	return b.s;
}

/* The current token as an operand; @other is the left side, if any. */
static int parse_operand(struct lexer *lx, struct operand *o, const struct operand *other)
{
	const char *w = lx->text.s;
	int rc;

	o->col = -1;
	if (lx->tok != T_WORD && lx->tok != T_STRING) {
		if (other)
			return fds_err("-Q: expected a value after '%s', found '%s'",
				       other->label, tok_text(lx));
		return fds_err("-Q: expected a column name, found '%s'", tok_text(lx));
	}
	o->text = xstrdup(w);
	if (lx->tok == T_STRING) {
		o->type = V_STR;
		o->label = quoted(w);
		return lex(lx);
	}
	o->label = xstrdup(w);
	if (*w >= '0' && *w <= '9') {
		o->type = V_NUM;
		rc = parse_number(w, &o->num);
		if (rc == -ERANGE)
			return fds_err("-Q: number out of range: %s", w);
		if (rc)
			return fds_err("-Q: not a number: %s", w);
		return lex(lx);
	}
	if (!strcasecmp(w, "true") || !strcasecmp(w, "false")) {
		o->type = V_BOOL;
		o->num = !strcasecmp(w, "true");
		return lex(lx);
	}
	o->col = column_by_name(w, strlen(w));
	if (o->col < 0 && other)
		return fds_err("-Q: %s is not a column, and %s%s is %s (strings are quoted)",
			       w, other->label, operand_kind(other), type_names[other->type]);
	if (o->col < 0)
		return fds_err("-Q: unknown column '%s'", w);
	o->type = column_type(o->col);
	free(o->label);
	o->label = xstrdup(columns[o->col].name);
	return lex(lx);
}

/* Check that @n's two sides can be compared with its operator. */
static int check_types(struct node *n)
{
	struct operand *a = &n->a, *b = &n->b;
	const char *op = op_names[n->op];

	if (n->op == OP_RE || n->op == OP_NRE) {
		int rc;

		if (b->col >= 0 || b->type != V_STR)
			return fds_err("-Q: %s %s: the right side must be a quoted regex",
				       op, b->label);
		fds_locale();
		rc = regcomp(&n->re, b->text, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];

			regerror(rc, &n->re, msg, sizeof(msg));
			return fds_err("-Q: bad regular expression '%s': %s", b->text, msg);
		}
		n->has_re = true;
		return 0;
	}
	/* A boolean column also compares with 0 and 1, as it prints them. */
	if (a->type == V_BOOL && b->col < 0 && b->type == V_NUM && b->num <= 1)
		b->type = V_BOOL;
	if (b->type == V_BOOL && a->col < 0 && a->type == V_NUM && a->num <= 1)
		a->type = V_BOOL;
	if (a->type != b->type)
		return fds_err("-Q: %s %s %s: %s%s is %s and %s%s is %s",
			       a->label, op, b->label, a->label, operand_kind(a),
			       type_names[a->type], b->label, operand_kind(b),
			       type_names[b->type]);
	if (a->type == V_BOOL && n->op != OP_EQ && n->op != OP_NE)
		return fds_err("-Q: %s %s %s: booleans only compare with == and !=",
			       a->label, op, b->label);
	return 0;
}

static struct node *parse_primary(struct lexer *lx)
{
	struct node *n;

	if (lx->tok == T_LPAREN) {
		if (lex(lx))
			return NULL;
		lx->depth++;
		n = parse_or(lx);
		lx->depth--;
		if (!n)
			return NULL;
		if (lx->tok != T_RPAREN) {
			fds_err("-Q: missing ')' before '%s'", tok_text(lx));
			goto bad;
		}
		if (lex(lx))
			goto bad;
		return n;
	}
	n = new_node(N_TEST, NULL, NULL);
	if (parse_operand(lx, &n->a, NULL))
		goto bad;
	if (lx->tok != T_OP) {
		if (n->a.type == V_BOOL)
			return n;
		if (lx->tok == T_WORD || lx->tok == T_STRING)
			fds_err("-Q: expected an operator after '%s', found '%s'",
				n->a.label, tok_text(lx));
		else
			fds_err("-Q: %s%s is %s, not a condition (compare it: %s == ...)",
				n->a.label, operand_kind(&n->a), type_names[n->a.type],
				n->a.label);
		goto bad;
	}
	n->kind = N_CMP;
	n->op = lx->op;
	if (lex(lx))
		goto bad;
	if (lx->tok != T_WORD && lx->tok != T_STRING) {
		fds_err("-Q: expected a value after '%s %s', found '%s'",
			n->a.label, op_names[n->op], tok_text(lx));
		goto bad;
	}
	if (parse_operand(lx, &n->b, &n->a) || check_types(n))
		goto bad;
	return n;
bad:
	free_node(n);
	return NULL;
}

static struct node *parse_unary(struct lexer *lx)
{
	struct node *n;

	if (lx->depth >= MAX_DEPTH) {
		fds_err("-Q: expression nested too deeply");
		return NULL;
	}
	if (lx->tok != T_NOT)
		return parse_primary(lx);
	if (lex(lx))
		return NULL;
	lx->depth++;
	n = parse_unary(lx);
	lx->depth--;
	return n ? new_node(N_NOT, n, NULL) : NULL;
}

static struct node *parse_binary(struct lexer *lx, int tok)
{
	struct node *l, *r;

	l = tok == T_OR ? parse_binary(lx, T_AND) : parse_unary(lx);
	while (l && lx->tok == tok) {
		if (lex(lx)) {
			free_node(l);
			return NULL;
		}
		r = tok == T_OR ? parse_binary(lx, T_AND) : parse_unary(lx);
		if (!r) {
			free_node(l);
			return NULL;
		}
		l = new_node(tok == T_OR ? N_OR : N_AND, l, r);
	}
	return l;
}

static struct node *parse_or(struct lexer *lx)
{
	return parse_binary(lx, T_OR);
}

static struct node *parse_expr(const char *expr)
{
	struct lexer lx = { .s = expr, .p = expr };
	struct node *n = NULL;

	if (lex(&lx))
		goto out;
	if (lx.tok == T_END) {
		fds_err("-Q: empty expression");
		goto out;
	}
	n = parse_or(&lx);
	if (n && lx.tok != T_END) {
		fds_err("-Q: unexpected '%s'", lx.text.s);
		free_node(n);
		n = NULL;
	}
out:
	free(lx.text.s);
	return n;
}

/*
 * Parse @expr and AND it with @prev (a second -Q), or make a new filter when
 * @prev is NULL. Returns NULL after printing a one-line error; @prev is
 * left as it was then.
 */
struct filter *filter_parse(struct filter *prev, const char *expr)
{
	struct node *n = parse_expr(expr);

	if (!n)
		return NULL;
	if (prev) {
		prev->root = new_node(N_AND, prev->root, n);
		return prev;
	}
	prev = xcalloc(1, sizeof(*prev));
	prev->root = n;
	return prev;
}

/* The operand's value in @b: false when it does not apply to the row. */
static bool operand_value(const struct operand *o, struct model *m, size_t row,
			  struct sbuf *b, const char **text, u64 *num)
{
	const char *v;

	if (o->col < 0) {
		*text = o->text;
		*num = o->num;
		return true;
	}
	v = column_value(m, row, o->col, b);
	if (!v)
		return false;
	*text = v;
	if (o->type == V_BOOL)
		*num = *v == '1';
	else if (o->type == V_NUM && parse_number(v, num))
		return false;
	return true;
}

static bool compare(const struct node *n, const char *x, u64 xn, const char *y, u64 yn)
{
	int c;

	if (n->a.type == V_STR)
		c = strcmp(x, y);
	else
		c = xn < yn ? -1 : xn > yn;
	switch (n->op) {
	case OP_EQ:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	case OP_GE:
		return c >= 0;
	}
	return false;
}

static bool node_match(struct filter *f, const struct node *n, struct model *m, size_t row,
		       struct sbuf *b)
{
	const char *x, *y;
	u64 xn = 0, yn = 0;
	bool hit;

	switch (n->kind) {
	case N_OR:
		return node_match(f, n->l, m, row, b) || node_match(f, n->r, m, row, b);
	case N_AND:
		return node_match(f, n->l, m, row, b) && node_match(f, n->r, m, row, b);
	case N_NOT:
		return !node_match(f, n->l, m, row, b);
	case N_TEST:
		return operand_value(&n->a, m, row, b, &x, &xn) && xn;
	case N_CMP:
		break;
	}
	if (!operand_value(&n->a, m, row, &f->left, &x, &xn))
		return n->op == OP_NE || n->op == OP_NRE;
	if (n->has_re) {
		hit = !regexec(&n->re, x, 0, NULL, 0);
		return n->op == OP_RE ? hit : !hit;
	}
	if (!operand_value(&n->b, m, row, b, &y, &yn))
		return n->op == OP_NE;
	return compare(n, x, xn, y, yn);
}

bool filter_match(struct filter *f, struct model *m, size_t row, struct sbuf *b)
{
	return node_match(f, f->root, m, row, b);
}

static unsigned int operand_need(const struct operand *o)
{
	return o->col >= 0 ? columns[o->col].need : 0;
}

static unsigned int node_need(const struct node *n)
{
	if (!n)
		return 0;
	return operand_need(&n->a) | operand_need(&n->b) | node_need(n->l) | node_need(n->r);
}

unsigned int filter_need(const struct filter *f)
{
	return f ? node_need(f->root) : 0;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	free_node(f->root);
	free(f->left.s);
	free(f);
}
