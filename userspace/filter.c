// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the -Q expression, e.g. 'TYPE == SOCK and (RXQ > 0 or NAME =~ "^/run")'.
 *
 *   expr  := and { (or | ||) and }
 *   and   := unary { (and | &&) unary }
 *   unary := (not | !) unary | ( expr ) | COLUMN op VALUE
 *   op    := == != < <= > >= =~ !~  (or eq ne lt le gt ge)
 *   VALUE := "string" | 'string' | word
 *
 * A number column compared with a number compares numerically, anything else
 * compares as strings; =~ and !~ take a POSIX extended regular expression. A
 * value that does not apply ("-") only satisfies != and !~.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libsmartcols.h>

#include "fdscope.h"

enum { F_OR, F_AND, F_NOT, F_CMP };
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE, OP_NRE };
enum { T_END, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_OP, T_WORD, T_STRING };

struct filter {
	int kind;
	struct filter *l;
	struct filter *r;
	int col;
	int op;
	char *val;
	bool numeric;
	u64 num;
	bool has_re;
	regex_t re;
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

static const char * const op_names[] = {
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
	[OP_GT] = ">", [OP_GE] = ">=", [OP_RE] = "=~", [OP_NRE] = "!~",
};

static bool word_char(char c)
{
	return c && !strchr(" \t\n()=!<>&|\"'", c);
}

/* Read the next token into lx->tok (and lx->text, lx->op). */
static int lex(struct lexer *lx)
{
	const char *p = lx->p;
	size_t i;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	sb_reset(&lx->text);
	if (!*p) {
		lx->tok = T_END;
		lx->p = p;
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
	for (i = 0; i < 8; i++) {
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
	if (*p == '"' || *p == '\'') {
		char q = *p++;

		/* A backslash makes the next character literal. */
		while (*p && *p != q) {
			if (*p == '\\' && p[1])
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
	if (!word_char(*p))
		return fds_err("-Q: unexpected '%c' at offset %zu", *p, (size_t)(p - lx->s));
	while (word_char(*p))
		sb_addc(&lx->text, *p++);
	lx->p = p;
	lx->tok = T_WORD;
	if (!strcasecmp(lx->text.s, "and"))
		lx->tok = T_AND;
	else if (!strcasecmp(lx->text.s, "or"))
		lx->tok = T_OR;
	else if (!strcasecmp(lx->text.s, "not"))
		lx->tok = T_NOT;
	return 0;
}

static struct filter *parse_or(struct lexer *lx);

static struct filter *node(int kind, struct filter *l, struct filter *r)
{
	struct filter *f = xcalloc(1, sizeof(*f));

	f->kind = kind;
	f->l = l;
	f->r = r;
	return f;
}

static bool word_op(struct lexer *lx)
{
	size_t i;

	if (lx->tok != T_WORD)
		return false;
	for (i = 8; i < ARRAY_SIZE(ops); i++) {
		if (!strcasecmp(lx->text.s, ops[i].name)) {
			lx->tok = T_OP;
			lx->op = ops[i].op;
			return true;
		}
	}
	return false;
}

static bool parse_u64(const char *s, u64 *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	*v = strtoull(s, &end, 10);
	return !*end;
}

static struct filter *parse_cmp(struct lexer *lx)
{
	struct filter *f;
	int col;

	if (lx->tok != T_WORD) {
		fds_err("-Q: expected a column name, found '%s'",
			lx->tok == T_END ? "end of expression" : lx->text.s);
		return NULL;
	}
	col = column_by_name(lx->text.s, lx->text.len);
	if (col < 0) {
		fds_err("-Q: unknown column '%s'", lx->text.s);
		return NULL;
	}
	f = node(F_CMP, NULL, NULL);
	f->col = col;
	if (lex(lx) || (!word_op(lx) && lx->tok != T_OP)) {
		if (lx->tok != T_OP)
			fds_err("-Q: expected an operator after '%s'", columns[col].name);
		goto bad;
	}
	f->op = lx->op;
	if (lex(lx))
		goto bad;
	if (lx->tok != T_WORD && lx->tok != T_STRING) {
		fds_err("-Q: expected a value after '%s %s'", columns[col].name,
			op_names[f->op]);
		goto bad;
	}
	f->val = xstrdup(lx->text.s);
	if (f->op == OP_RE || f->op == OP_NRE) {
		int rc = regcomp(&f->re, f->val, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char msg[128];

			regerror(rc, &f->re, msg, sizeof(msg));
			fds_err("-Q: bad regular expression '%s': %s", f->val, msg);
			goto bad;
		}
		f->has_re = true;
	} else if (columns[col].json == SCOLS_JSON_NUMBER) {
		f->numeric = parse_u64(f->val, &f->num);
		if (!f->numeric && f->op != OP_EQ && f->op != OP_NE) {
			fds_err("-Q: %s is a number column, '%s' is not a number",
				columns[col].name, f->val);
			goto bad;
		}
	} else if (columns[col].json == SCOLS_JSON_BOOLEAN) {
		if (!strcasecmp(f->val, "true") || !strcasecmp(f->val, "yes"))
			strcpy(f->val, "1");
		else if (!strcasecmp(f->val, "false") || !strcasecmp(f->val, "no"))
			strcpy(f->val, "0");
	}
	if (lex(lx))
		goto bad;
	return f;
bad:
	filter_free(f);
	return NULL;
}

static struct filter *parse_unary(struct lexer *lx)
{
	struct filter *f;

	if (lx->depth >= MAX_DEPTH) {
		fds_err("-Q: expression nested too deeply");
		return NULL;
	}
	if (lx->tok == T_NOT) {
		if (lex(lx))
			return NULL;
		lx->depth++;
		f = parse_unary(lx);
		lx->depth--;
		return f ? node(F_NOT, f, NULL) : NULL;
	}
	if (lx->tok == T_LPAREN) {
		if (lex(lx))
			return NULL;
		lx->depth++;
		f = parse_or(lx);
		lx->depth--;
		if (!f)
			return NULL;
		if (lx->tok != T_RPAREN) {
			fds_err("-Q: missing ')'");
			filter_free(f);
			return NULL;
		}
		if (lex(lx)) {
			filter_free(f);
			return NULL;
		}
		return f;
	}
	return parse_cmp(lx);
}

static struct filter *parse_binary(struct lexer *lx, int tok)
{
	struct filter *l, *r;

	l = tok == T_OR ? parse_binary(lx, T_AND) : parse_unary(lx);
	while (l && lx->tok == tok) {
		if (lex(lx)) {
			filter_free(l);
			return NULL;
		}
		r = tok == T_OR ? parse_binary(lx, T_AND) : parse_unary(lx);
		if (!r) {
			filter_free(l);
			return NULL;
		}
		l = node(tok == T_OR ? F_OR : F_AND, l, r);
	}
	return l;
}

static struct filter *parse_or(struct lexer *lx)
{
	return parse_binary(lx, T_OR);
}

/* Parse @expr; NULL after printing a one-line error. */
struct filter *filter_parse(const char *expr)
{
	struct lexer lx = { .s = expr, .p = expr };
	struct filter *f = NULL;

	if (lex(&lx))
		goto out;
	if (lx.tok == T_END) {
		fds_err("-Q: empty expression");
		goto out;
	}
	f = parse_or(&lx);
	if (f && lx.tok != T_END) {
		fds_err("-Q: unexpected '%s'", lx.text.s);
		filter_free(f);
		f = NULL;
	}
out:
	free(lx.text.s);
	return f;
}

static bool cmp_match(const struct filter *f, struct model *m, size_t row, struct sbuf *b)
{
	const char *v = column_value(m, row, f->col, b);
	u64 n;
	int c;

	if (!v)
		return f->op == OP_NE || f->op == OP_NRE;
	if (f->has_re) {
		bool hit = !regexec(&f->re, v, 0, NULL, 0);

		return f->op == OP_RE ? hit : !hit;
	}
	if (f->numeric && parse_u64(v, &n))
		c = n < f->num ? -1 : n > f->num;
	else
		c = strcmp(v, f->val);
	switch (f->op) {
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

bool filter_match(const struct filter *f, struct model *m, size_t row, struct sbuf *b)
{
	switch (f->kind) {
	case F_OR:
		return filter_match(f->l, m, row, b) || filter_match(f->r, m, row, b);
	case F_AND:
		return filter_match(f->l, m, row, b) && filter_match(f->r, m, row, b);
	case F_NOT:
		return !filter_match(f->l, m, row, b);
	}
	return cmp_match(f, m, row, b);
}

unsigned int filter_need(const struct filter *f)
{
	if (!f)
		return 0;
	if (f->kind == F_CMP)
		return columns[f->col].need;
	return filter_need(f->l) | filter_need(f->r);
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	filter_free(f->l);
	filter_free(f->r);
	if (f->has_re)
		regfree(&f->re);
	free(f->val);
	free(f);
}
