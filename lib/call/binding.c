/* lib/call/binding.c: calls to phones registered through tandemd (lib/sip's
 * tsip_reg.c keeps the bindings; the coordinator asks it through
 * call_core_set_bindings()). A new INVITE whose Request-URI user is a
 * binding's token goes to that phone, with the route its REGISTER matched;
 * the phone's Contact is the target and its received address the leg's
 * proxy (call.c's place_target); such a call has no failover. Sofia thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "ops/log.h"

bool binding_lookup(struct call_core *core, const char *user, struct call_binding *ret)
{
	return core->binding_find && user && *user &&
	       core->binding_find(core->binding_arg, user, ret);
}

const struct conf_route *binding_route(struct call *c, const struct call_binding *cb)
{
	if (cb->contact == NULL)	/* a token of ours whose binding is gone */
		return NULL;
	for (size_t i = 0; i < c->conf->n_routes; i++)	/* by name: a reload may drop it */
		if (strcmp(c->conf->routes[i].name, cb->route) == 0 &&
		    c->conf->routes[i].register_mode == CONF_REG_RELAY)
			return &c->conf->routes[i];
	return NULL;
}

int binding_take(struct call *c, const struct call_binding *cb)
{
	call_log(c, LOG_LVL_INFO, "to the phone registered as %s (route \"%s\")",
		 cb->aor_user ? cb->aor_user : "", c->route->name);
	if ((c->bind_contact = strdup(cb->contact)) == NULL ||
	    (cb->proxy && (c->bind_proxy = strdup(cb->proxy)) == NULL))
		return -ENOMEM;
	return 0;
}
