/* tests/unit/check_tsip_reg.c: lib/sip/tsip_reg_table.c, the bindings of
 * REGISTERs relayed to a registrar: found by token and by AOR + Contact
 * through the growing hash tables, removed, their slab slots reused, a binding
 * too long for a slot on the heap, shared route strings counted. The .c is
 * included (its statics: rehash, the slab). No network, no timer. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/sip/tsip_reg_table.c"

#define N 3000

static struct tsip_reg *reg_new(void)
{
	struct tsip_reg *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(rehash(g, MIN_BUCKETS), 0);
	return g;
}

static void reg_free(struct tsip_reg *g)
{
	bindings_free(g);
	ck_assert_ptr_null(g->strs);	/* every shared string given back */
	table_free(g);
}

static struct reg_binding *add(struct tsip_reg *g, int i)
{
	char aor[64], user[16], contact[64];
	struct reg_binding *b;

	snprintf(user, sizeof(user), "u%d", i);
	snprintf(aor, sizeof(aor), "sip:u%d@pbx.test", i);
	snprintf(contact, sizeof(contact), "sip:u%d@192.0.2.%d:5060", i, i % 250 + 1);
	b = reg_binding_new(g, aor, user, contact);
	ck_assert_ptr_nonnull(b);
	b->route = reg_intern(g, "phones");
	b->target = reg_intern(g, "sip:pbx.test");
	return b;
}

START_TEST(bindings_found_by_token_and_key)
{
	struct tsip_reg *g = reg_new();
	static struct reg_binding *v[N];
	char key[128];

	for (int i = 0; i < N; i++)
		v[i] = add(g, i);
	ck_assert_uint_eq(g->n, N);
	ck_assert_uint_ge(g->n_buckets, N);	/* grew with the table */
	for (int i = 0; i < N; i++) {
		ck_assert_ptr_eq(reg_by_token(g, v[i]->token), v[i]);
		snprintf(key, sizeof(key), "sip:u%d@pbx.test\nsip:u%d@192.0.2.%d:5060", i, i,
			 i % 250 + 1);
		ck_assert_ptr_eq(reg_by_key(g, key), v[i]);
		ck_assert(!v[i]->heap);
		ck_assert_int_eq(strncmp(v[i]->token, "tb", 2), 0);
		ck_assert_uint_eq(strlen(v[i]->token), 18);
	}
	ck_assert_ptr_eq(v[0]->route, v[N - 1]->route);	/* shared */
	ck_assert_ptr_null(reg_by_token(g, "tb0000000000000000"));
	reg_free(g);
}
END_TEST

START_TEST(removed_bindings_give_their_slots_back)
{
	struct tsip_reg *g = reg_new();
	static struct reg_binding *v[N];
	void *chunks;
	int n_chunks = 0;

	for (int i = 0; i < N; i++)
		v[i] = add(g, i);
	for (void *c = g->chunks; c; c = *(void **)c)
		n_chunks++;
	ck_assert_int_eq(n_chunks, (N + CHUNK_SLOTS - 1) / CHUNK_SLOTS);
	for (int i = 0; i < N; i += 2) {
		char tok[20];
		strcpy(tok, v[i]->token);
		reg_binding_remove(g, v[i], "unregistered");
		ck_assert_ptr_null(reg_by_token(g, tok));
	}
	ck_assert_uint_eq(g->n, N / 2);
	for (int i = 1; i < N; i += 2)
		ck_assert_ptr_eq(reg_by_token(g, v[i]->token), v[i]);
	chunks = g->chunks;
	for (int i = 0; i < N; i += 2)
		v[i] = add(g, i);
	ck_assert_ptr_eq(g->chunks, chunks);	/* the freed slots, no new chunk */
	reg_free(g);
}
END_TEST

START_TEST(long_binding_goes_on_the_heap)
{
	struct tsip_reg *g = reg_new();
	char contact[1200];
	struct reg_binding *b;

	memset(contact, 'x', sizeof(contact));
	memcpy(contact, "sip:", 4);
	contact[sizeof(contact) - 1] = '\0';
	b = reg_binding_new(g, "sip:long@pbx.test", "long", contact);
	ck_assert_ptr_nonnull(b);
	ck_assert(b->heap);
	ck_assert_str_eq(b->contact, contact);
	ck_assert_ptr_eq(reg_by_token(g, b->token), b);
	reg_binding_remove(g, b, "expired");
	ck_assert_uint_eq(g->n, 0);
	reg_free(g);
}
END_TEST

START_TEST(shared_strings_are_counted)
{
	struct tsip_reg *g = reg_new();
	const char *a = reg_intern(g, "r1"), *b = reg_intern(g, "r1"), *c = reg_intern(g, "r2");

	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_ne(a, c);
	reg_unintern(g, a);
	ck_assert_ptr_eq(reg_intern(g, "r1"), a);	/* still there: one reference left */
	reg_unintern(g, a);
	reg_unintern(g, b);
	reg_unintern(g, c);
	reg_unintern(g, NULL);
	reg_free(g);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tsip_reg");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, bindings_found_by_token_and_key);
	tcase_add_test(tc, removed_bindings_give_their_slots_back);
	tcase_add_test(tc, long_binding_goes_on_the_heap);
	tcase_add_test(tc, shared_strings_are_counted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
