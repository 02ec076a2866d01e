/* tests/unit/check_conf.c: lib/conf/conf.c and conf_route.c: config file ->
 * snapshot. Every error a user can make must come back as -EINVAL with the
 * line of the offending setting and a message that names the problem. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "testutil.h"

/* A route whose group opens on the line marked "# route". */
#define ROUTE(body) "routes = (\n  { # route\n" body "  }\n);\n"
#define NAME "    name = \"r\";\n"
#define NT "    name = \"r\"; targets = \"sip:127.0.0.1\";\n"

struct bad_case {
	const char *name;
	const char *text;
	const char *marker;	/* the line the error must name */
	const char *msg;	/* a part of the message */
};

static const struct bad_case bad[] = {
	/* syntax: libconfig's own line and text */
	{ "syntax error", "log = {\n  level = \"info\";\n  sip_trace = ; #!\n};\n", "#!", "syntax error" },
	{ "unterminated group", "log = {\n  level = \"info\";\n}; }; #!\n", "#!", "syntax error" },

	/* unknown keys, at every level */
	{ "unknown top-level key", "log = { level = \"info\"; };\nbogus = 1; #!\n", "#!",
	  "unknown key 'bogus' in the top level" },
	{ "unknown key in listener",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\";\n    proto = \"udp\"; #!\n  }\n);\n",
	  "#!", "unknown key 'proto' in a listener" },
	{ "unknown key in sip", "sip = {\n  agent = \"x\"; #!\n};\n", "#!", "unknown key 'agent' in 'sip'" },
	{ "unknown key in control", "control = {\n  owner = \"x\"; #!\n};\n", "#!",
	  "unknown key 'owner' in 'control'" },
	{ "unknown key in log", "log = {\n  lvl = \"info\"; #!\n};\n", "#!", "unknown key 'lvl' in 'log'" },
	{ "unknown key in limits", "limits = {\n  calls = 3; #!\n};\n", "#!",
	  "unknown key 'calls' in 'limits'" },
	{ "unknown key in calls", "calls = {\n  timeout = 3; #!\n};\n", "#!",
	  "unknown key 'timeout' in 'calls'" },
	{ "unknown key in route", ROUTE(NT "    target = \"sip:x\"; #!\n"), "#!",
	  "unknown key 'target' in a route" },
	{ "unknown key in match", ROUTE(NT "    match = {\n      user = \"1\"; #!\n    };\n"), "#!",
	  "unknown key 'user' in 'match'" },
	{ "unknown key in match.header",
	  ROUTE(NT "    match = { header = {\n      name = \"X-A\"; value = \"b\"; regex = \"c\"; #!\n    }; };\n"),
	  "#!", "unknown key 'regex' in 'match.header'" },
	{ "unknown key in rewrite_user",
	  ROUTE(NT "    rewrite_user = {\n      match = \"1\"; replace = \"2\"; flags = \"i\"; #!\n    };\n"),
	  "#!", "unknown key 'flags' in 'rewrite_user'" },

	/* wrong types */
	{ "string for int", "limits = {\n  max_calls = \"10\"; #!\n};\n", "#!",
	  "'max_calls' must be an integer, not a string" },
	{ "int for string", "sip = {\n  user_agent = 5; #!\n};\n", "#!",
	  "'user_agent' must be a string, not an integer" },
	{ "bool for int", "calls = {\n  connect_timeout = true; #!\n};\n", "#!",
	  "'connect_timeout' must be an integer, not true or false" },
	{ "int for bool", "log = {\n  sip_trace = 1; #!\n};\n", "#!",
	  "'sip_trace' must be true or false, not an integer" },
	{ "string for bool", "log = {\n  sip_trace = \"yes\"; #!\n};\n", "#!",
	  "'sip_trace' must be true or false, not a string" },
	{ "float for int", "limits = {\n  retry_after = 1.5; #!\n};\n", "#!",
	  "'retry_after' must be an integer, not a number" },
	{ "bool for string", "control = {\n  socket = false; #!\n};\n", "#!",
	  "'socket' must be a string, not true or false" },
	{ "int for log level", "log = {\n  level = 7; #!\n};\n", "#!", "'level' must be a string" },
	{ "int for control.mode", "control = {\n  mode = 660; #!\n};\n", "#!", "'mode' must be a string" },
	{ "section not a group", "log = \"info\"; #!\n", "#!", "'log' must be a group, not a string" },
	{ "string for listener port",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\";\n    port = \"5060\"; #!\n  }\n);\n",
	  "#!", "'port' must be an integer, not a string" },
	{ "int for listener address",
	  "listen = (\n  { transport = \"udp\";\n    address = 127; #!\n  }\n);\n", "#!",
	  "'address' must be a string, not an integer" },
	{ "string for route max_calls", ROUTE(NT "    max_calls = \"5\"; #!\n"), "#!",
	  "'max_calls' must be an integer, not a string" },
	{ "int for route name", ROUTE("    name = 5; #!\n    targets = \"sip:h\";\n"), "#!",
	  "'name' must be a string, not an integer" },
	{ "int for ruri_domain", ROUTE(NT "    match = {\n      ruri_domain = 5; #!\n    };\n"), "#!",
	  "'ruri_domain' must be a string, not an integer" },
	{ "int for regex key", ROUTE(NT "    match = {\n      ruri_user = 5; #!\n    };\n"), "#!",
	  "'ruri_user' must be a string, not an integer" },
	{ "match not a group", ROUTE(NT "    match = \"all\"; #!\n"), "#!", "'match' must be a group" },
	/* (a string in a list: libconfig gives the line after it when the list
	 * closes on the next line, as it looks ahead for "a" "b" concatenation) */
	{ "listener not a group", "listen = (\n  \"udp\" ); #!\n", "#!", "must be a group" },
	{ "routes not a list", "routes = { #!\n  name = \"r\";\n};\n", "#!", "'routes' must be a list" },
	{ "route not a group", "routes = (\n  { name = \"a\"; reject = 403; },\n  17 #!\n);\n", "#!",
	  "must be a group" },

	/* ranges */
	{ "port 0", "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\";\n    port = 0; #!\n  }\n);\n",
	  "#!", "'port' must be between 1 and 65535, not 0" },
	{ "port 70000",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\";\n    port = 70000; #!\n  }\n);\n",
	  "#!", "'port' must be between 1 and 65535, not 70000" },
	{ "max_calls negative", "limits = {\n  max_calls = -1; #!\n};\n", "#!",
	  "'max_calls' must be between 0 and 1000000, not -1" },
	{ "retry_after 64-bit", "limits = {\n  retry_after = 5000000000L; #!\n};\n", "#!",
	  "'retry_after' must be between 0 and 86400, not 5000000000" },
	{ "connect_timeout 0", "calls = {\n  connect_timeout = 0; #!\n};\n", "#!",
	  "'connect_timeout' must be between 1 and 64, not 0" },
	{ "connect_timeout 65", "calls = {\n  connect_timeout = 65; #!\n};\n", "#!",
	  "'connect_timeout' must be between 1 and 64, not 65" },
	{ "no_answer_timeout 0", "calls = {\n  no_answer_timeout = 0; #!\n};\n", "#!",
	  "'no_answer_timeout' must be between 1 and 3600, not 0" },
	{ "min_se 89", "calls = {\n  min_se = 89; #!\n};\n", "#!", "'min_se' must be between 90 and 86400" },
	{ "no_route_code 399", "calls = {\n  no_route_code = 399; #!\n};\n", "#!",
	  "'no_route_code' must be between 400 and 699, not 399" },
	{ "no_route_code 700", "calls = {\n  no_route_code = 700; #!\n};\n", "#!",
	  "'no_route_code' must be between 400 and 699, not 700" },
	{ "route max_calls negative", ROUTE(NT "    max_calls = -1; #!\n"), "#!",
	  "'max_calls' must be between 0 and 1000000, not -1" },
	{ "route connect_timeout 0", ROUTE(NT "    connect_timeout = 0; #!\n"), "#!",
	  "'connect_timeout' must be between 1 and 64, not 0" },
	{ "route no_answer_timeout 3601", ROUTE(NT "    no_answer_timeout = 3601; #!\n"), "#!",
	  "'no_answer_timeout' must be between 1 and 3600, not 3601" },
	{ "reject 399", ROUTE(NAME "    reject = 399; #!\n"), "#!", "'reject' must be between 400 and 699, not 399" },
	{ "reject 700", ROUTE(NAME "    reject = 700; #!\n"), "#!", "'reject' must be between 400 and 699, not 700" },

	/* enums and strings */
	{ "bad log level", "log = {\n  level = \"verbose\"; #!\n};\n", "#!",
	  "'level' must be error, warning, notice, info or debug" },
	{ "control.mode not octal", "control = {\n  mode = \"rw\"; #!\n};\n", "#!",
	  "'mode' must be an octal file mode" },
	{ "control.mode with 9", "control = {\n  mode = \"0669\"; #!\n};\n", "#!",
	  "'mode' must be an octal file mode" },
	{ "control.mode too big", "control = {\n  mode = \"01777\"; #!\n};\n", "#!",
	  "'mode' must be an octal file mode" },
	{ "control.mode empty", "control = {\n  mode = \"\"; #!\n};\n", "#!", "'mode' must be an octal file mode" },
	{ "control.mode negative", "control = {\n  mode = \"-1\"; #!\n};\n", "#!",
	  "'mode' must be an octal file mode" },
	{ "empty socket", "control = {\n  socket = \"\"; #!\n};\n", "#!", "'socket' must not be empty" },
	{ "empty user_agent", "sip = {\n  user_agent = \"\"; #!\n};\n", "#!", "'user_agent' must not be empty" },
	{ "empty route name", ROUTE("    name = \"\"; #!\n    targets = \"sip:h\";\n"), "#!",
	  "'name' must not be empty" },
	{ "empty reject_reason", ROUTE(NAME "    reject = 403;\n    reject_reason = \"\"; #!\n"), "#!",
	  "'reject_reason' must not be empty" },

	/* listen */
	{ "listen not a list",
	  "listen = { #!\n  transport = \"udp\"; address = \"127.0.0.1\"; port = 5060;\n};\n", "#!",
	  "'listen' must be a non-empty list" },
	{ "listen an array", "listen = [ \"udp\" ]; #!\n", "#!", "'listen' must be a non-empty list" },
	{ "listen empty", "listen = ( ); #!\n", "#!", "'listen' must be a non-empty list" },
	{ "listen bad transport",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
	  "  { transport = \"sctp\"; address = \"127.0.0.1\"; } #!\n);\n",
	  "#!", "transport must be \"udp\", \"tcp\" or \"tls\", not \"sctp\"" },
	{ "listen tls alone", "listen = ( #!\n  { transport = \"tls\"; address = \"127.0.0.1\"; }\n);\n",
	  "#!", "a TLS listener needs a UDP or TCP listener beside it" },
	{ "listen tls on the udp port",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
	  "  { transport = \"tls\"; address = \"127.0.0.1\"; port = 5060; } #!\n);\n",
	  "#!", "the TLS listener needs a port of its own" },
	{ "listen tls on another address",
	  "listen = (\n  { transport = \"tls\"; address = \"127.0.0.2\"; port = 5061; }, #!\n"
	  "  { transport = \"udp\"; address = \"127.0.0.1\"; }\n);\n",
	  "#!", "the TLS listener must use the address of the UDP/TCP listeners (127.0.0.1)" },
	{ "listen tls without tls section",
	  "listen = ( #!\n  { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
	  "  { transport = \"tls\"; address = \"127.0.0.1\"; port = 5061; }\n);\n",
	  "#!", "a TLS listener needs the 'tls' section" },
	{ "tls without key", "tls = { #!\n  certificate = \"/nonexistent.pem\";\n};\n", "#!",
	  "'tls' needs certificate and key" },
	{ "tls unreadable certificate",
	  "tls = {\n  certificate = \"/nonexistent.pem\"; #!\n  key = \"/nonexistent.key\";\n};\n",
	  "#!", "tls.certificate: cannot read /nonexistent.pem" },
	{ "tls unknown key", "tls = {\n  cert = \"x\"; #!\n};\n", "#!", "unknown key 'cert' in 'tls'" },
	{ "tls verify_peer not a bool", "tls = {\n  verify_peer = 1; #!\n};\n", "#!",
	  "'verify_peer' must be true or false" },
	{ "two udp listeners",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
	  "  { transport = \"UDP\"; address = \"127.0.0.1\"; } #!\n);\n",
	  "#!", "a second UDP listener" },
	{ "two tcp listeners",
	  "listen = (\n  { transport = \"tcp\"; address = \"127.0.0.1\"; },\n"
	  "  { transport = \"tcp\"; address = \"127.0.0.1\"; } #!\n);\n",
	  "#!", "a second tcp listener" },
	{ "listeners on different addresses",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
	  "  { transport = \"tcp\"; address = \"127.0.0.2\"; } #!\n);\n",
	  "#!", "all listeners must share one address and port (127.0.0.1:5060 here)" },
	{ "listeners on different ports",
	  "listen = (\n  { transport = \"udp\"; address = \"127.0.0.1\"; port = 5060; },\n"
	  "  { transport = \"tcp\"; address = \"127.0.0.1\"; port = 5070; } #!\n);\n",
	  "#!", "all listeners must share one address and port" },
	{ "listen on a host name", "listen = (\n  { transport = \"udp\"; address = \"localhost\"; } #!\n);\n",
	  "#!", "listener address must be an IPv4 or IPv6 address, not \"localhost\"" },
	{ "listen on a CIDR", "listen = (\n  { transport = \"udp\"; address = \"10.0.0.1/8\"; } #!\n);\n",
	  "#!", "listener address must be an IPv4 or IPv6 address, not \"10.0.0.1/8\"" },
	{ "listen on a bad IPv4", "listen = (\n  { transport = \"udp\"; address = \"10.0.0.256\"; } #!\n);\n",
	  "#!", "listener address must be an IPv4 or IPv6 address" },
	{ "listener without address", "listen = (\n  { transport = \"udp\"; port = 5060; } #!\n);\n", "#!",
	  "a listener needs transport and address" },
	{ "listener without transport", "listen = (\n  { address = \"127.0.0.1\"; } #!\n);\n", "#!",
	  "a listener needs transport and address" },
	{ "listener empty transport",
	  "listen = (\n  { address = \"127.0.0.1\";\n    transport = \"\"; #!\n  }\n);\n", "#!",
	  "'transport' must not be empty" },

	/* regexes, in every key that takes one */
	{ "bad regex ruri_user", ROUTE(NT "    match = {\n      ruri_user = \"(\"; #!\n    };\n"), "#!",
	  "bad regex \"(\" in 'ruri_user'" },
	{ "bad regex from_user", ROUTE(NT "    match = {\n      from_user = \"(\"; #!\n    };\n"), "#!",
	  "bad regex \"(\" in 'from_user'" },
	{ "bad regex to_user", ROUTE(NT "    match = {\n      to_user = \"[a-\"; #!\n    };\n"), "#!",
	  "bad regex \"[a-\" in 'to_user'" },
	{ "bad regex header value",
	  ROUTE(NT "    match = { header = {\n      name = \"X-A\";\n      value = \"(\"; #!\n    }; };\n"), "#!",
	  "bad regex \"(\" in 'value'" },
	{ "bad regex rewrite_user",
	  ROUTE(NT "    rewrite_user = {\n      match = \"(\"; #!\n      replace = \"x\";\n    };\n"), "#!",
	  "bad regex \"(\" in 'match'" },

	/* match.header */
	{ "header without value", ROUTE(NT "    match = {\n      header = { name = \"X-A\"; }; #!\n    };\n"),
	  "#!", "'header' needs both name and value" },
	{ "header without name", ROUTE(NT "    match = {\n      header = { value = \"a\"; }; #!\n    };\n"),
	  "#!", "'header' needs both name and value" },
	{ "header name with colon",
	  ROUTE(NT "    match = {\n      header = { name = \"X-A:\"; value = \"a\"; }; #!\n    };\n"),
	  "#!", "bad header name \"X-A:\"" },
	{ "header name with space",
	  ROUTE(NT "    match = {\n      header = { name = \"X A\"; value = \"a\"; }; #!\n    };\n"),
	  "#!", "bad header name \"X A\"" },

	/* source CIDRs */
	{ "bad CIDR prefix", ROUTE(NT "    match = {\n      source = \"10.0.0.0/33\"; #!\n    };\n"), "#!",
	  "bad CIDR \"10.0.0.0/33\" in 'source'" },
	{ "bad CIDR v6 prefix", ROUTE(NT "    match = {\n      source = \"2001:db8::/129\"; #!\n    };\n"), "#!",
	  "bad CIDR \"2001:db8::/129\" in 'source'" },
	{ "bad CIDR address", ROUTE(NT "    match = {\n      source = \"10.0.0/8\"; #!\n    };\n"), "#!",
	  "bad CIDR \"10.0.0/8\"" },
	{ "bad CIDR empty prefix", ROUTE(NT "    match = {\n      source = \"10.0.0.0/\"; #!\n    };\n"), "#!",
	  "bad CIDR \"10.0.0.0/\"" },
	{ "bad CIDR in a list",
	  ROUTE(NT "    match = {\n      source = ( \"10.0.0.0/8\", \"host.example\" ); #!\n    };\n"), "#!",
	  "bad CIDR \"host.example\"" },
	{ "empty CIDR", ROUTE(NT "    match = {\n      source = ( \"\" ); #!\n    };\n"), "#!",
	  "'source' must hold non-empty strings" },
	{ "source not strings", ROUTE(NT "    match = {\n      source = { a = 1; }; #!\n    };\n"), "#!",
	  "'source' must be a string or a list of strings" },

	/* targets */
	{ "target without sip:", ROUTE(NAME "    targets = ( \"127.0.0.1:5080\" ); #!\n"), "#!",
	  "bad target \"127.0.0.1:5080\"" },
	{ "target sips: over udp", ROUTE(NAME "    targets = ( \"sips:127.0.0.1;transport=udp\" ); #!\n"),
	  "#!", "bad target \"sips:127.0.0.1;transport=udp\"" },
	{ "tls target without tls listener", ROUTE(NAME "    targets = ( \"sips:127.0.0.1\" );\n"),
	  "# route", "route \"r\": TLS target sips:127.0.0.1 needs a TLS listener" },
	{ "transport=tls target without tls listener",
	  ROUTE(NAME "    targets = ( \"sip:127.0.0.1:5071;transport=tls\" );\n"),
	  "# route", "TLS target sip:127.0.0.1:5071;transport=tls needs a TLS listener" },
	{ "route tls_verify not a bool", ROUTE(NT "    tls_verify = \"no\"; #!\n"), "#!",
	  "'tls_verify' must be true or false" },
	{ "sdes_tls_only not a bool",
	  ROUTE(NT "    security = {\n      sdes_tls_only = 0; #!\n    };\n"), "#!",
	  "'sdes_tls_only' must be true or false" },
	{ "dtmf unknown mode", ROUTE(NT "    dtmf = {\n      callee = \"inband\"; #!\n    };\n"), "#!",
	  "'callee' must be \"rfc4733\", \"info\" or \"passthrough\", not \"inband\"" },
	{ "dtmf not a string or group", ROUTE(NT "    dtmf = 5; #!\n"), "#!",
	  "'dtmf' must be a string (both legs) or a group" },
	{ "dtmf unknown key", ROUTE(NT "    dtmf = {\n      carrier = \"info\"; #!\n    };\n"), "#!",
	  "carrier" },
	{ "dtmf with media passthrough",
	  ROUTE(NT "    media = \"passthrough\";\n    dtmf = { caller = \"info\"; }; #!\n"), "#!",
	  "route \"r\": 'dtmf' needs the relay to read the RTP: not with media = \"passthrough\"" },
	{ "target empty host", ROUTE(NAME "    targets = ( \"sip:\" ); #!\n"), "#!", "bad target \"sip:\"" },
	{ "target empty host after user", ROUTE(NAME "    targets = ( \"sip:bob@\" ); #!\n"), "#!",
	  "bad target \"sip:bob@\"" },
	{ "target only a port", ROUTE(NAME "    targets = ( \"sip::5080\" ); #!\n"), "#!",
	  "bad target \"sip::5080\"" },
	{ "target bad transport",
	  ROUTE(NAME "    targets = ( \"sip:127.0.0.1\", \"sip:h;transport=sctp\" ); #!\n"), "#!",
	  "bad target \"sip:h;transport=sctp\": want sip:[user@]host[:port][;transport=udp|tcp|tls]" },
	{ "target port not a number", ROUTE(NAME "    targets = ( \"sip:h:50x0\" ); #!\n"), "#!",
	  "bad target \"sip:h:50x0\"" },
	{ "target port out of range", ROUTE(NAME "    targets = ( \"sip:h:70000\" ); #!\n"), "#!",
	  "bad target \"sip:h:70000\"" },
	{ "target other param", ROUTE(NAME "    targets = ( \"sip:h;lr\" ); #!\n"), "#!", "bad target \"sip:h;lr\"" },
	{ "target with space", ROUTE(NAME "    targets = ( \"sip:h x\" ); #!\n"), "#!", "bad target \"sip:h x\"" },
	{ "targets empty", ROUTE(NAME "    targets = ( ); #!\n"), "#!", "'targets' is empty" },
	{ "targets empty string", ROUTE(NAME "    targets = ( \"\" ); #!\n"), "#!",
	  "'targets' must hold non-empty strings" },
	{ "targets not strings", ROUTE(NAME "    targets = 5; #!\n"), "#!",
	  "'targets' must be a string or a list of strings" },
	{ "targets list of ints", ROUTE(NAME "    targets = ( 5 ); #!\n"), "#!",
	  "'targets' must hold non-empty strings" },

	/* failover_codes: the line of the bad element */
	{ "failover 299", ROUTE(NT "    failover_codes = ( 408,\n      299 ); #!\n"), "#!",
	  "'failover_codes' holds SIP codes 300-699" },
	{ "failover 700", ROUTE(NT "    failover_codes = ( 700 ); #!\n"), "#!",
	  "'failover_codes' holds SIP codes 300-699" },
	{ "failover 7xx", ROUTE(NT "    failover_codes = ( \"7xx\" ); #!\n"), "#!",
	  "'failover_codes' holds SIP codes 300-699 or classes \"3xx\"..\"6xx\"" },
	{ "failover 2xx", ROUTE(NT "    failover_codes = ( \"2xx\" ); #!\n"), "#!",
	  "'failover_codes' holds SIP codes" },
	{ "failover 5x", ROUTE(NT "    failover_codes = ( \"5x\" ); #!\n"), "#!", "'failover_codes' holds SIP codes" },
	{ "failover 503 as string", ROUTE(NT "    failover_codes = ( \"503\" ); #!\n"), "#!",
	  "'failover_codes' holds SIP codes" },
	{ "failover bool", ROUTE(NT "    failover_codes = ( true ); #!\n"), "#!", "'failover_codes' holds SIP codes" },
	{ "failover not a list", ROUTE(NT "    failover_codes = 503; #!\n"), "#!",
	  "'failover_codes' must be a list" },

	/* rewrite_user */
	{ "rewrite_user without replace",
	  ROUTE(NT "    rewrite_user = { match = \"^0\"; }; #!\n"), "#!", "'rewrite_user' needs match and replace" },
	{ "rewrite_user without match",
	  ROUTE(NT "    rewrite_user = { replace = \"x\"; }; #!\n"), "#!", "'rewrite_user' needs match and replace" },
	{ "rewrite \\2 with one group",
	  ROUTE(NT "    rewrite_user = { match = \"^0(.*)$\"; replace = \"+49\\\\2\"; }; #!\n"), "#!",
	  "'replace' uses \\2 but the regex has 1 group(s)" },
	{ "rewrite \\1 with no group",
	  ROUTE(NT "    rewrite_user = { match = \"^0\"; replace = \"\\\\1\"; }; #!\n"), "#!",
	  "'replace' uses \\1 but the regex has 0 group(s)" },
	{ "rewrite_user not a group", ROUTE(NT "    rewrite_user = \"s/a/b/\"; #!\n"), "#!",
	  "'rewrite_user' must be a group" },

	/* add_headers / remove_headers */
	{ "add_headers without colon", ROUTE(NT "    add_headers = ( \"X-Ok: 1\", \"NoColon\" ); #!\n"), "#!",
	  "bad header \"NoColon\" in 'add_headers'" },
	{ "add_headers name with space", ROUTE(NT "    add_headers = \"Bad Name: x\"; #!\n"), "#!",
	  "bad header \"Bad Name: x\" in 'add_headers'" },
	{ "add_headers no name", ROUTE(NT "    add_headers = \": x\"; #!\n"), "#!", "bad header \": x\"" },
	{ "add_headers space before colon", ROUTE(NT "    add_headers = \"X-A : x\"; #!\n"), "#!",
	  "bad header \"X-A : x\"" },
	{ "add_headers empty", ROUTE(NT "    add_headers = ( \"\" ); #!\n"), "#!",
	  "'add_headers' must hold non-empty strings" },
	{ "remove_headers with colon", ROUTE(NT "    remove_headers = ( \"X-A\", \"X-B:\" ); #!\n"), "#!",
	  "bad header name \"X-B:\" in 'remove_headers'" },
	{ "remove_headers with space", ROUTE(NT "    remove_headers = \"X B\"; #!\n"), "#!",
	  "bad header name \"X B\" in 'remove_headers'" },
	{ "remove_headers not strings", ROUTE(NT "    remove_headers = 3; #!\n"), "#!",
	  "'remove_headers' must be a string or a list of strings" },

	{ "refer_outside unknown", ROUTE(NT "    refer_outside = \"accept\"; #!\n"), "#!",
	  "'refer_outside' must be \"reject\" or \"forward\", not \"accept\"" },
	{ "refer_outside not a string", ROUTE(NT "    refer_outside = true; #!\n"), "#!",
	  "refer_outside" },

	/* whole routes: the line of the route */
	{ "route with neither targets nor reject", ROUTE(NAME), "# route",
	  "route \"r\" needs 'targets' or 'reject'" },
	{ "route with targets and reject", ROUTE(NT "    reject = 403;\n"), "# route",
	  "route \"r\" has both 'targets' and 'reject'" },
	{ "route without name", ROUTE("    targets = \"sip:h\";\n"), "# route", "a route needs a 'name'" },
	{ "duplicate route names",
	  "routes = (\n  { name = \"a\"; targets = \"sip:h\"; },\n  { name = \"b\"; reject = 403; },\n"
	  "  { #!\n    name = \"a\"; targets = \"sip:h2\";\n  }\n);\n",
	  "#!", "duplicate route name \"a\" (first at line 2)" },

	/* media.address6: the IPv6 sides of a dual-stack relay */
	{ "address6 not IPv6", "media = {\n  address6 = \"127.0.0.1\"; #!\n};\n", "#!",
	  "'address6' must be an IPv6 address, not \"127.0.0.1\"" },
	{ "address6 beside an IPv6 address",
	  "media = {\n  address = \"::1\";\n  address6 = \"::1\"; #!\n};\n", "#!",
	  "media.address6 is for a relay whose media.address is IPv4" },
	{ "io_uring not a boolean", "media = {\n  io_uring = \"yes\"; #!\n};\n", "#!", "io_uring" },
	{ "advertise6 without address6", "media = {\n  advertise6 = \"2001:db8::1\"; #!\n};\n",
	  "#!", "media.advertise6 needs media.address6" },
	{ "address6 wildcard without advertise6", "media = {\n  address6 = \"::\"; #!\n};\n", "#!",
	  "set media.advertise6" },

	/* node: the node id */
	{ "node not a string", "log = { level = \"info\"; };\nnode = 7; #!\n", "#!",
	  "'node' must be a string" },
	{ "node empty", "node = \"\"; #!\n", "#!", "'node' must not be empty" },
	{ "node with a space", "# one node\nnode = \"sbc 1\"; #!\n", "#!",
	  "'node' may hold only letters, digits, '.', '_' and '-' (\"sbc 1\")" },
	{ "node with a quote", "node = \"a\\\"b\"; #!\n", "#!", "may hold only letters" },
	{ "node starting with a dash", "node = \"-x\"; #!\n", "#!",
	  "'node' must start with a letter or a digit" },
	{ "node too long",
	  "node = \"n1234567890123456789012345678901234567890123456789012345678901234\"; #!\n", "#!",
	  "'node' is longer than 64 characters" },
	{ "node in a section", "log = {\n  node = \"a\"; #!\n};\n", "#!",
	  "unknown key 'node' in 'log'" },

	/* the edge: advertise and nat (conf_edge.c) */
	{ "advertise with a space",
	  "listen = ( { transport = \"udp\"; address = \"127.0.0.1\";\n"
	  "  advertise = \"a b\"; #!\n} );\n", "#!", "advertise must be \"host[:port]\"" },
	{ "advertise port 0",
	  "listen = ( { transport = \"udp\"; address = \"127.0.0.1\";\n"
	  "  advertise = \"192.0.2.1:0\"; #!\n} );\n", "#!", "port 1-65535" },
	{ "advertise of UDP and TCP differ",
	  "listen = ( { transport = \"udp\"; address = \"127.0.0.1\"; advertise = \"192.0.2.1\"; },\n"
	  "  { transport = \"tcp\"; address = \"127.0.0.1\"; advertise = \"192.0.2.2\"; } #!\n);\n",
	  "#!", "the UDP and TCP listeners share one address" },
	{ "advertise on TCP only",
	  "listen = ( { transport = \"tcp\"; address = \"127.0.0.1\"; advertise = \"192.0.2.1\"; },\n"
	  "  { transport = \"udp\"; address = \"127.0.0.1\"; } #!\n);\n",
	  "#!", "the UDP and TCP listeners share one address" },
	{ "listener nat unknown",
	  "listen = ( { transport = \"udp\"; address = \"127.0.0.1\";\n  nat = \"yes\"; #!\n} );\n",
	  "#!", "'nat' must be \"auto\", \"force\" or \"off\", not \"yes\"" },
	{ "redirect unknown", ROUTE(NT "    redirect = \"recurse\"; #!\n"), "#!",
	  "'redirect' must be \"follow\" or \"relay\", not \"recurse\"" },
	{ "max_redirects too many", ROUTE(NT "    max_redirects = 11; #!\n"), "#!",
	  "'max_redirects' must be between 0 and 10" },
	{ "route nat unknown",
	  "routes = ( { name = \"r\"; targets = ( \"sip:127.0.0.1\" );\n  nat = 1; #!\n} );\n",
	  "#!", "'nat' must be a string, not an integer" },
	{ "nat_keepalive too long", "sip = {\n  nat_keepalive = 3601; #!\n};\n", "#!",
	  "nat_keepalive" },
	{ "register unknown", ROUTE(NT "    register = \"proxy\"; #!\n"), "#!",
	  "'register' must be \"relay\", \"reject\" or \"off\", not \"proxy\"" },
	{ "register not a string", ROUTE(NT "    register = true; #!\n"), "#!", "register" },
	{ "register_nat_expires negative", ROUTE(NT "    register_nat_expires = -1; #!\n"), "#!",
	  "'register_nat_expires' must be between 0 and 86400" },

	/* cross-section */
	{ "session_expires below min_se", "calls = {\n  session_expires = 60; #!\n};\n", "#!",
	  "calls.session_expires (60) is below calls.min_se (90)" },
	{ "session_expires below raised min_se",
	  "calls = {\n  min_se = 1800;\n  session_expires = 900; #!\n};\n", "#!",
	  "calls.session_expires (900) is below calls.min_se (1800)" },
};

START_TEST(bad_config_is_refused_with_line_and_message)
{
	const struct bad_case *t = &bad[_i];
	struct conf *c = (struct conf *)0x1;	/* must stay untouched */
	struct conf_error err;
	int want_line = tu_line_of(t->text, t->marker);
	int r;

	ck_assert_msg(want_line > 0, "[%s] marker missing from the test text", t->name);
	r = tu_load(t->text, &c, &err);
	if (r == 0)
		c = conf_unref(c);	/* loaded when it must not: fail below without a leak */
	ck_assert_msg(r == -EINVAL, "[%s] conf_load returned %d, want -EINVAL", t->name, r);
	ck_assert_msg(c == (struct conf *)0x1, "[%s] *ret was written on failure", t->name);
	ck_assert_msg(strstr(err.msg, t->msg) != NULL, "[%s] message \"%s\" does not contain \"%s\"",
		      t->name, err.msg, t->msg);
	ck_assert_msg(err.line == want_line, "[%s] error at line %d, want %d (%s)", t->name, err.line,
		      want_line, err.msg);
	ck_assert_msg(strncmp(err.file, "/tmp/tandem-check-", 18) == 0, "[%s] error file \"%s\"", t->name,
		      err.file);
}
END_TEST

/* ---- files ---- */

START_TEST(default_config_loads)
{
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600];
	int r = conf_load("conf/tandemd.conf", &c, &err);

	conf_error_format(&err, msg, sizeof(msg));
	ck_assert_msg(r == 0, "conf/tandemd.conf: %d %s", r, msg);
	ck_assert_str_eq(c->path, "conf/tandemd.conf");
	ck_assert_str_eq(c->listen_address, "127.0.0.1");
	ck_assert_int_eq(c->listen_port, 5060);
	ck_assert_uint_eq(c->listen_transports, CONF_TP_UDP | CONF_TP_TCP);
	ck_assert_str_eq(c->user_agent, "tandem");
	ck_assert_ptr_null(c->advertise);
	ck_assert_str_eq(c->ctl_socket, "/run/tandem/tandemd.sock");
	ck_assert_uint_eq(c->ctl_mode, 0660);
	ck_assert_int_eq(c->log_level, LOG_LVL_INFO);
	ck_assert(!c->sip_trace);
	ck_assert_int_eq(c->max_calls, 1000);
	ck_assert_int_eq(c->retry_after, 5);
	ck_assert_int_eq(c->connect_timeout, 8);
	ck_assert_int_eq(c->no_answer_timeout, 60);
	ck_assert_int_eq(c->drain_grace, 30);
	ck_assert_int_eq(c->no_route_code, 404);
	ck_assert_uint_eq(c->n_routes, 1);
	ck_assert_str_eq(c->routes[0].name, "default");
	ck_assert_uint_eq(c->routes[0].n_targets, 1);
	ck_assert_str_eq(c->routes[0].targets[0], "sip:127.0.0.1:5080");
	ck_assert_int_eq(c->routes[0].connect_timeout, 8);
	ck_assert_int_eq(c->routes[0].no_answer_timeout, 60);
	ck_assert(c->loaded_at > 0);
	ck_assert_uint_eq(c->refs, 1);
	conf_unref(c);
}
END_TEST

START_TEST(missing_file_names_the_file)
{
	const char *path = "/nonexistent-tandem-dir/tandemd.conf";
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600];

	ck_assert_int_eq(conf_load(path, &c, &err), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.line, 0);
	ck_assert_msg(strstr(err.msg, "cannot read file") != NULL, "msg: %s", err.msg);
	ck_assert_msg(strstr(err.msg, "No such file or directory") != NULL, "msg: %s", err.msg);
	conf_error_format(&err, msg, sizeof(msg));
	ck_assert_str_eq(msg, "/nonexistent-tandem-dir/tandemd.conf: cannot read file: "
		       "No such file or directory");
}
END_TEST

START_TEST(error_format_has_file_and_line)
{
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600], want[600];
	const char *path = tu_write_tmp("log = {\n  level = \"loud\";\n};\n");

	ck_assert_int_eq(conf_load(path, &c, &err), -EINVAL);
	unlink(path);
	conf_error_format(&err, msg, sizeof(msg));
	snprintf(want, sizeof(want), "%s:2: 'level' must be error, warning, notice, info or debug", path);
	ck_assert_str_eq(msg, want);
	/* a small buffer is cut, not overrun */
	memset(msg, 'X', sizeof(msg));
	conf_error_format(&err, msg, 8);
	ck_assert_uint_eq(strlen(msg), 7);
	ck_assert_int_eq(msg[8], 'X');
}
END_TEST

START_TEST(empty_file_gets_defaults)
{
	struct conf *c = tu_load_ok("# nothing\n");

	ck_assert_str_eq(c->listen_address, "127.0.0.1");
	ck_assert_int_eq(c->listen_port, 5060);
	ck_assert_uint_eq(c->listen_transports, CONF_TP_UDP | CONF_TP_TCP);
	ck_assert_str_eq(c->ctl_socket, "/run/tandem/tandemd.sock");
	ck_assert_uint_eq(c->ctl_mode, 0660);
	ck_assert_int_eq(c->log_level, LOG_LVL_INFO);
	ck_assert_int_eq(c->max_calls, 10000);
	ck_assert_int_eq(c->retry_after, 5);
	ck_assert_int_eq(c->no_answer_timeout, 60);
	ck_assert_int_eq(c->connect_timeout, 8);
	ck_assert_int_eq(c->session_expires, 0);
	ck_assert_int_eq(c->min_se, 90);
	ck_assert_int_eq(c->no_route_code, 404);
	ck_assert_msg(strncmp(c->user_agent, "tandem/", 7) == 0, "user_agent %s", c->user_agent);
	ck_assert_uint_eq(c->n_routes, 0);
	conf_unref(c);
}
END_TEST

START_TEST(node_is_stored)
{
	struct conf *c = tu_load_ok("node = \"sbc-1.fra_2\";\n");

	ck_assert_str_eq(c->node, "sbc-1.fra_2");
	ck_assert(c->node_set);
	conf_unref(c);
	/* 64 characters is the most */
	c = tu_load_ok("node = \"n123456789012345678901234567890123456789012345678901234567890123\";\n");
	ck_assert_uint_eq(strlen(c->node), 64);
	conf_unref(c);
}
END_TEST

/* No node in the file: the host name, and the instance of tandemd@NAME. */
START_TEST(node_defaults_to_host_and_instance)
{
	char host[256] = "", want[80];
	struct conf *c;

	ck_assert_int_eq(gethostname(host, sizeof(host) - 1), 0);
	unsetenv("TANDEM_INSTANCE");
	c = tu_load_ok("# nothing\n");
	ck_assert(!c->node_set);
	snprintf(want, sizeof(want), "%.64s", host);
	ck_assert_str_eq(c->node, want);
	conf_unref(c);
	setenv("TANDEM_INSTANCE", "node2", 1);
	c = tu_load_ok("# nothing\n");
	snprintf(want, sizeof(want), "%.64s-node2", host);
	want[64] = '\0';	/* cut to 64 characters */
	ck_assert_str_eq(c->node, want);
	conf_unref(c);
	/* the file wins over the instance */
	c = tu_load_ok("node = \"edge\";\n");
	ck_assert_str_eq(c->node, "edge");
	conf_unref(c);
	unsetenv("TANDEM_INSTANCE");
}
END_TEST

START_TEST(media_io_uring_defaults_on)
{
	struct conf *c = tu_load_ok("media = { address = \"127.0.0.1\"; };\n");

	ck_assert(c->media_io_uring);
	conf_unref(c);
	c = tu_load_ok("media = { address = \"127.0.0.1\"; io_uring = false; };\n");
	ck_assert(!c->media_io_uring);
	conf_unref(c);
}
END_TEST

START_TEST(media_address6_and_its_advertise)
{
	struct conf *c = tu_load_ok("media = { address = \"127.0.0.1\"; address6 = \"::1\"; };\n");

	ck_assert_str_eq(c->media_address6, "::1");
	ck_assert_str_eq(c->media_advertise6, "::1");	/* derived from address6 */
	conf_unref(c);
	c = tu_load_ok("media = { address = \"0.0.0.0\"; advertise = \"192.0.2.1\";\n"
		       "  address6 = \"::\"; advertise6 = \"2001:db8::1\"; };\n");
	ck_assert_str_eq(c->media_address6, "::");
	ck_assert_str_eq(c->media_advertise6, "2001:db8::1");
	conf_unref(c);
	c = tu_load_ok("media = { address = \"127.0.0.1\"; };\n");
	ck_assert_ptr_null(c->media_address6);	/* single stack: no IPv6 sides */
	ck_assert_ptr_null(c->media_advertise6);
	conf_unref(c);
}
END_TEST

START_TEST(all_settings_are_stored)
{
	struct conf *c = tu_load_ok(
		"listen = (\n"
		"  { transport = \"tcp\"; address = \"::1\"; port = 5070; }\n"
		");\n"
		"sip = { advertise = \"sbc.example.com\"; user_agent = \"ua/1\"; };\n"
		"control = { socket = \"/tmp/x.sock\"; mode = \"0600\"; };\n"
		"log = { level = \"DEBUG\"; sip_trace = true; };\n"
		"limits = { max_calls = 0; retry_after = 86400; };\n"
		"calls = { connect_timeout = 64; no_answer_timeout = 3600; session_expires = 1800;\n"
		"  min_se = 600; drain_grace = 0; no_route_code = 480; };\n"
		"routes = (\n"
		"  { name = \"full\";\n"
		"    match = { ruri_user = \"^1\"; ruri_domain = \"example.com\"; from_user = \"a\";\n"
		"      to_user = \"b\"; source = ( \"10.0.0.0/8\", \"2001:db8::/32\" );\n"
		"      header = { name = \"X-Tenant\"; value = \"^gold$\"; }; };\n"
		"    targets = ( \"sip:a.example\", \"sip:bob@b.example:5080;transport=TCP\",\n"
		"                \"SIP:10.0.0.1;transport=udp\" );\n"
		"    failover_codes = ( \"6xx\", 486 );\n"
		"    rewrite_user = { match = \"^0(.*)\"; replace = \"+49\\\\1\"; };\n"
		"    add_headers = ( \"X-Route: full\", \"X-Empty:\" );\n"
		"    remove_headers = \"X-Secret\";\n"
		"    max_calls = 7; connect_timeout = 2; no_answer_timeout = 30; session_expires = 0;\n"
		"  },\n"
		"  { name = \"deny\"; reject = 403; reject_reason = \"Go away\"; }\n"
		");\n");
	const struct conf_route *r = &c->routes[0];

	ck_assert_str_eq(c->listen_address, "::1");
	ck_assert_int_eq(c->listen_port, 5070);
	ck_assert_uint_eq(c->listen_transports, CONF_TP_TCP);
	ck_assert_str_eq(c->advertise, "sbc.example.com");
	ck_assert_str_eq(c->user_agent, "ua/1");
	ck_assert_str_eq(c->ctl_socket, "/tmp/x.sock");
	ck_assert_uint_eq(c->ctl_mode, 0600);
	ck_assert_int_eq(c->log_level, LOG_LVL_DEBUG);
	ck_assert(c->sip_trace);
	ck_assert_int_eq(c->max_calls, 0);
	ck_assert_int_eq(c->retry_after, 86400);
	ck_assert_int_eq(c->connect_timeout, 64);
	ck_assert_int_eq(c->no_answer_timeout, 3600);
	ck_assert_int_eq(c->session_expires, 1800);
	ck_assert_int_eq(c->min_se, 600);
	ck_assert_int_eq(c->drain_grace, 0);
	ck_assert_int_eq(c->no_route_code, 480);

	ck_assert_uint_eq(c->n_routes, 2);
	ck_assert_str_eq(r->name, "full");
	ck_assert_int_eq(r->line, 11);
	ck_assert(r->match.ruri_user.set);
	ck_assert_str_eq(r->match.ruri_user.src, "^1");
	ck_assert_str_eq(r->match.ruri_domain, "example.com");
	ck_assert_str_eq(r->match.from_user.src, "a");
	ck_assert_str_eq(r->match.to_user.src, "b");
	ck_assert_uint_eq(r->match.n_sources, 2);
	ck_assert_int_eq(r->match.sources[0].family, AF_INET);
	ck_assert_uint_eq(r->match.sources[0].prefix, 8);
	ck_assert_int_eq(r->match.sources[1].family, AF_INET6);
	ck_assert_uint_eq(r->match.sources[1].prefix, 32);
	ck_assert_str_eq(r->match.header_name, "X-Tenant");
	ck_assert_str_eq(r->match.header_value.src, "^gold$");
	ck_assert_uint_eq(r->n_targets, 3);
	ck_assert_str_eq(r->targets[1], "sip:bob@b.example:5080;transport=TCP");
	ck_assert(route_failover_on(r, 486));
	ck_assert(route_failover_on(r, 600));
	ck_assert(route_failover_on(r, 699));
	ck_assert(!route_failover_on(r, 408));	/* the list replaces the default */
	ck_assert(!route_failover_on(r, 503));
	ck_assert_str_eq(r->rewrite.src, "^0(.*)");
	ck_assert_str_eq(r->rewrite_to, "+49\\1");
	ck_assert_uint_eq(r->n_add_headers, 2);
	ck_assert_str_eq(r->add_headers[0], "X-Route: full");
	ck_assert_str_eq(r->add_headers[1], "X-Empty:");
	ck_assert_uint_eq(r->n_remove_headers, 1);
	ck_assert_str_eq(r->remove_headers[0], "X-Secret");
	ck_assert_int_eq(r->max_calls, 7);
	ck_assert_int_eq(r->connect_timeout, 2);
	ck_assert_int_eq(r->no_answer_timeout, 30);
	ck_assert_int_eq(r->session_expires, 0);	/* its own 0, not calls' 1800 */
	ck_assert_int_eq(r->reject, 0);

	r = &c->routes[1];
	ck_assert_str_eq(r->name, "deny");
	ck_assert_int_eq(r->line, 23);
	ck_assert_int_eq(r->reject, 403);
	ck_assert_str_eq(r->reject_reason, "Go away");
	ck_assert_uint_eq(r->n_targets, 0);
	conf_unref(c);
}
END_TEST

START_TEST(routes_inherit_call_defaults)
{
	/* `calls` after `routes`: the defaults still reach the routes */
	struct conf *c = tu_load_ok(
		"routes = (\n"
		"  { name = \"inherit\"; targets = \"sip:h\"; },\n"
		"  { name = \"own\"; targets = \"sip:h\"; no_answer_timeout = 5; connect_timeout = 3;\n"
		"    session_expires = 120; }\n"
		");\n"
		"calls = { no_answer_timeout = 90; connect_timeout = 4; session_expires = 300; };\n");
	const struct conf_route *in = tu_route(c, "inherit"), *own = tu_route(c, "own");

	ck_assert_int_eq(in->no_answer_timeout, 90);
	ck_assert_int_eq(in->connect_timeout, 4);
	ck_assert_int_eq(in->session_expires, 300);
	ck_assert_int_eq(own->no_answer_timeout, 5);
	ck_assert_int_eq(own->connect_timeout, 3);
	ck_assert_int_eq(own->session_expires, 120);
	ck_assert_int_eq(in->max_calls, 0);
	conf_unref(c);
}
END_TEST

START_TEST(route_defaults_without_calls_section)
{
	struct conf *c = tu_load_ok("routes = ( { name = \"r\"; targets = \"sip:h\"; } );\n");
	const struct conf_route *r = &c->routes[0];

	ck_assert_int_eq(r->no_answer_timeout, 60);
	ck_assert_int_eq(r->connect_timeout, 8);
	ck_assert_int_eq(r->session_expires, 0);
	conf_unref(c);
}
END_TEST

START_TEST(failover_default_is_408_and_5xx)
{
	struct conf *c = tu_load_ok("routes = ( { name = \"r\"; targets = \"sip:h\"; } );\n");
	const struct conf_route *r = &c->routes[0];

	ck_assert(route_failover_on(r, 408));
	for (int s = 500; s <= 599; s++)
		ck_assert_msg(route_failover_on(r, s), "%d", s);
	for (int s = 300; s <= 699; s++)
		if (s != 408 && (s < 500 || s > 599))
			ck_assert_msg(!route_failover_on(r, s), "%d", s);
	conf_unref(c);
}
END_TEST

START_TEST(refer_outside_defaults_to_reject)
{
	struct conf *c = tu_load_ok(
		"routes = ( { name = \"a\"; targets = \"sip:h\"; },\n"
		"  { name = \"b\"; targets = \"sip:h\"; refer_outside = \"forward\"; },\n"
		"  { name = \"c\"; targets = \"sip:h\"; refer_outside = \"reject\"; } );\n");

	ck_assert_int_eq(c->routes[0].refer_outside, CONF_REFER_OUT_REJECT);
	ck_assert_int_eq(c->routes[1].refer_outside, CONF_REFER_OUT_FORWARD);
	ck_assert_int_eq(c->routes[2].refer_outside, CONF_REFER_OUT_REJECT);
	conf_unref(c);
}
END_TEST

START_TEST(dtmf_defaults_to_passthrough_per_leg)
{
	struct conf *c = tu_load_ok(
		"routes = ( { name = \"a\"; targets = \"sip:h\"; },\n"
		"  { name = \"b\"; targets = \"sip:h\"; dtmf = \"info\"; },\n"
		"  { name = \"c\"; targets = \"sip:h\"; dtmf = { caller = \"rfc4733\"; }; },\n"
		"  { name = \"d\"; targets = \"sip:h\";\n"
		"    dtmf = { caller = \"rfc4733\"; callee = \"info\"; }; } );\n");

	ck_assert_int_eq(c->routes[0].dtmf[0], CONF_DTMF_PASSTHROUGH);
	ck_assert_int_eq(c->routes[0].dtmf[1], CONF_DTMF_PASSTHROUGH);
	ck_assert_int_eq(c->routes[1].dtmf[0], CONF_DTMF_INFO);
	ck_assert_int_eq(c->routes[1].dtmf[1], CONF_DTMF_INFO);
	ck_assert_int_eq(c->routes[2].dtmf[0], CONF_DTMF_RFC4733);
	ck_assert_int_eq(c->routes[2].dtmf[1], CONF_DTMF_PASSTHROUGH);
	ck_assert_int_eq(c->routes[3].dtmf[0], CONF_DTMF_RFC4733);
	ck_assert_int_eq(c->routes[3].dtmf[1], CONF_DTMF_INFO);
	conf_unref(c);
}
END_TEST

START_TEST(failover_empty_list_means_none)
{
	struct conf *c = tu_load_ok(
		"routes = ( { name = \"r\"; targets = \"sip:h\"; failover_codes = ( ); } );\n");

	for (int s = 300; s <= 699; s++)
		ck_assert_msg(!route_failover_on(&c->routes[0], s), "%d", s);
	conf_unref(c);
}
END_TEST

START_TEST(single_string_target_and_targets_without_user)
{
	struct conf *c = tu_load_ok(
		"routes = ( { name = \"r\"; targets = \"sip:127.0.0.1:5080\"; },\n"
		"           { name = \"s\"; targets = [ \"sip:@h\", \"sip:u@h;transport=tcp\" ]; } );\n");

	ck_assert_uint_eq(c->routes[0].n_targets, 1);
	ck_assert_str_eq(c->routes[0].targets[0], "sip:127.0.0.1:5080");
	ck_assert_uint_eq(c->routes[1].n_targets, 2);
	conf_unref(c);
}
END_TEST

START_TEST(listeners_udp_and_tcp_share_address)
{
	struct conf *c = tu_load_ok(
		"listen = (\n"
		"  { transport = \"UDP\"; address = \"192.0.2.1\"; port = 5080; },\n"
		"  { transport = \"tcp\"; address = \"192.0.2.1\"; port = 5080; }\n"
		");\n");

	ck_assert_str_eq(c->listen_address, "192.0.2.1");
	ck_assert_int_eq(c->listen_port, 5080);
	ck_assert_uint_eq(c->listen_transports, CONF_TP_UDP | CONF_TP_TCP);
	conf_unref(c);
}
END_TEST

START_TEST(listener_advertise_and_nat)
{
	struct conf *c = tu_load_ok(
		"listen = (\n"
		"  { transport = \"udp\"; address = \"127.0.0.1\"; advertise = \"203.0.113.10\";\n"
		"    nat = \"force\"; },\n"
		"  { transport = \"tcp\"; address = \"127.0.0.1\"; advertise = \"203.0.113.10\";\n"
		"    nat = \"off\"; }\n"
		");\n"
		"routes = ( { name = \"r\"; targets = ( \"sip:127.0.0.1\" ); nat = \"auto\"; } );\n");

	ck_assert_str_eq(c->listen_adv_host[CONF_LI_UDP], "203.0.113.10");
	ck_assert_int_eq(c->listen_adv_port[CONF_LI_UDP], 0);
	ck_assert_ptr_null(c->listen_adv_host[CONF_LI_TLS]);
	ck_assert_int_eq(c->listen_nat[CONF_LI_UDP], CONF_NAT_FORCE);
	ck_assert_int_eq(c->listen_nat[CONF_LI_TCP], CONF_NAT_OFF);
	ck_assert_int_eq(c->listen_nat[CONF_LI_TLS], CONF_NAT_UNSET);
	ck_assert_int_eq(c->routes[0].nat, CONF_NAT_AUTO);
	ck_assert_str_eq(c->advertise, "203.0.113.10");	/* sip.advertise's default */
	ck_assert_int_eq(c->nat_keepalive, 30);
	conf_unref(c);

	c = tu_load_ok("listen = ( { transport = \"udp\"; address = \"::1\";\n"
		       "  advertise = \"[2001:db8::1]:5071\"; } );\n"
		       "sip = { advertise = \"sbc.example.com\"; nat_keepalive = 0; };\n");
	ck_assert_str_eq(c->listen_adv_host[CONF_LI_UDP], "[2001:db8::1]");
	ck_assert_int_eq(c->listen_adv_port[CONF_LI_UDP], 5071);
	ck_assert_str_eq(c->advertise, "sbc.example.com");	/* set: kept */
	ck_assert_int_eq(c->nat_keepalive, 0);
	conf_unref(c);
}
END_TEST

START_TEST(listener_port_defaults_to_5060)
{
	struct conf *c = tu_load_ok("listen = ( { transport = \"udp\"; address = \"127.0.0.2\"; } );\n");

	ck_assert_int_eq(c->listen_port, 5060);
	ck_assert_uint_eq(c->listen_transports, CONF_TP_UDP);
	conf_unref(c);
}
END_TEST

START_TEST(target_is_tls)
{
	ck_assert(conf_target_is_tls("sips:127.0.0.1"));
	ck_assert(conf_target_is_tls("SIPS:bob@h:5061"));
	ck_assert(conf_target_is_tls("sip:h:5061;transport=tls"));
	ck_assert(conf_target_is_tls("sip:bob@h;transport=TLS"));
	ck_assert(!conf_target_is_tls("sip:h:5061"));
	ck_assert(!conf_target_is_tls("sip:h;transport=tcp"));
	ck_assert(!conf_target_is_tls("sip:h;transport=tlsx"));
	ck_assert(!conf_target_is_tls(NULL));
}
END_TEST

/* conf_load() on a text, with what it logs to stderr (its warnings, as
 * `tandemd -t` prints them) caught in out. */
static struct conf *load_warnings(const char *text, char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	struct conf *c;
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(f), STDERR_FILENO), 0);
	c = tu_load_ok(text);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return c;
}

START_TEST(caller_srtp_without_tls_listener_is_warned)
{
	const char *text =
		"listen = ( { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
		"           { transport = \"tcp\"; address = \"127.0.0.1\"; } );\n"
		"routes = (\n"
		"  { name = \"strict\"; targets = \"sip:h\";\n"
		"    security = { caller = \"srtp\"; }; }, # srtp\n"
		"  { name = \"opt\"; targets = \"sip:h\";\n"
		"    security = { caller = \"srtp-optional\"; }; }, # optional\n"
		"  { name = \"default\"; targets = \"sip:h\"; },\n"
		"  { name = \"plain\"; targets = \"sip:h\"; security = { caller = \"rtp\"; }; },\n"
		"  { name = \"allowed\"; targets = \"sip:h\";\n"
		"    security = { caller = \"srtp\"; sdes_tls_only = false; }; },\n"
		"  { name = \"direct\"; targets = \"sip:h\"; media = \"passthrough\";\n"
		"    security = { caller = \"srtp\"; }; }\n"
		");\n";
	char out[4096], want[256];
	struct conf *c = load_warnings(text, out, sizeof(out));

	snprintf(want, sizeof(want), ":%d: route \"strict\": caller = \"srtp\" can never apply: "
		 "every listener is UDP/TCP and security.sdes_tls_only refuses SDES keys there",
		 tu_line_of(text, "# srtp"));
	ck_assert_msg(strstr(out, want), "no warning for route strict in: %s", out);
	snprintf(want, sizeof(want), ":%d: route \"opt\": caller = \"srtp-optional\" can never apply",
		 tu_line_of(text, "# optional"));
	ck_assert_msg(strstr(out, want), "no warning for route opt in: %s", out);
	/* the default caller setting, plain RTP, SDES allowed over UDP: no such warning */
	ck_assert_msg(!strstr(out, "\"default\": caller"), "default warned: %s", out);
	ck_assert_msg(!strstr(out, "\"plain\""), "plain warned: %s", out);
	ck_assert_msg(!strstr(out, "\"allowed\": caller = \"srtp\" can never"), "allowed: %s", out);
	/* media passthrough: the relay applies no security at all */
	ck_assert_msg(!strstr(out, "\"direct\""), "passthrough warned: %s", out);
	conf_unref(c);
}
END_TEST

/* A self-signed certificate and its key, as PEM files in /tmp. */
static void write_cert(char *cert_path, char *key_path)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
	X509_set_issuer_name(x, n);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	strcpy(cert_path, "/tmp/tandem-check-cert-XXXXXX");
	strcpy(key_path, "/tmp/tandem-check-key-XXXXXX");
	fd = mkstemp(cert_path);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	ck_assert_int_eq(PEM_write_X509(f, x), 1);
	fclose(f);
	fd = mkstemp(key_path);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

START_TEST(caller_srtp_with_tls_listener_is_not_warned)
{
	char out[4096], text[1024], cert[64], key[64];
	struct conf *c;

	write_cert(cert, key);
	snprintf(text, sizeof(text),
		 "listen = ( { transport = \"udp\"; address = \"127.0.0.1\"; },\n"
		 "           { transport = \"tls\"; address = \"127.0.0.1\"; port = 5061; } );\n"
		 "tls = { certificate = \"%s\"; key = \"%s\"; };\n"
		 "routes = ( { name = \"strict\"; targets = \"sip:h\";\n"
		 "             security = { caller = \"srtp\"; }; } );\n", cert, key);
	c = load_warnings(text, out, sizeof(out));
	unlink(cert);
	unlink(key);
	ck_assert_msg(!strstr(out, "can never apply"), "warned with a TLS listener: %s", out);
	conf_unref(c);
}
END_TEST

START_TEST(sdes_tls_only_defaults_on_and_tls_verify_to_verify_peer)
{
	struct conf *c = tu_load_ok(
		"routes = (\n"
		"  { name = \"a\"; targets = \"sip:h\"; },\n"
		"  { name = \"b\"; targets = \"sip:h\"; tls_verify = false;\n"
		"    security = { sdes_tls_only = false; }; }\n"
		");\n");

	ck_assert(c->tls_verify_peer);
	ck_assert(c->routes[0].sdes_tls_only);
	ck_assert(c->routes[0].tls_verify);
	ck_assert(!c->routes[1].sdes_tls_only);
	ck_assert(!c->routes[1].tls_verify);
	conf_unref(c);
}
END_TEST

/* A replace string may hold a literal backslash ("\\", as route.c reads it)
 * followed by a digit: that is not a group reference. */
START_TEST(rewrite_escaped_backslash_before_digit_is_not_a_group)
{
	/* libconfig value: x\\1  (x, backslash, backslash, 1) */
	struct conf *c = tu_load_ok(
		"routes = ( { name = \"r\"; targets = \"sip:h\";\n"
		"  rewrite_user = { match = \"^0\"; replace = \"x\\\\\\\\1\"; }; } );\n");
	char out[32];

	ck_assert_str_eq(c->routes[0].rewrite_to, "x\\\\1");
	ck_assert_int_eq(route_rewrite_user(&c->routes[0], "0123", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "x\\1123");
	conf_unref(c);
}
END_TEST

/* RFC 4028: a Session-Expires below Min-SE is refused by the peer with 422;
 * a route's own session_expires must obey calls.min_se like the default. */
START_TEST(route_session_expires_below_min_se_is_refused)
{
	const char *text =
		"calls = { min_se = 90; };\n"
		"routes = (\n"
		"  { name = \"r\"; targets = \"sip:h\";\n"
		"    session_expires = 60; #!\n"
		"  }\n"
		");\n";
	struct conf *c = NULL;
	struct conf_error err;
	int r = tu_load(text, &c, &err);

	if (r == 0)
		c = conf_unref(c);
	ck_assert_msg(r == -EINVAL, "a route with session_expires 60 < min_se 90 loaded");
	ck_assert_msg(strstr(err.msg, "min_se") != NULL, "msg: %s", err.msg);
	ck_assert_int_eq(err.line, tu_line_of(text, "#!"));
}
END_TEST

/* @include: a shared routes file next to each instance's config (docs/scale-out.md).
 * The path is relative to the main file's directory, not to the working directory,
 * and every error in the included file names that file and its line. */
struct inc_dir {
	char dir[64], main[128], routes[128];
};

static void inc_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void inc_setup(struct inc_dir *d, const char *main_text, const char *routes_text)
{
	snprintf(d->dir, sizeof(d->dir), "/tmp/tandem-check-inc-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d->dir));
	snprintf(d->main, sizeof(d->main), "%s/node1.conf", d->dir);
	snprintf(d->routes, sizeof(d->routes), "%s/routes.conf", d->dir);
	inc_write(d->main, main_text);
	if (routes_text)
		inc_write(d->routes, routes_text);
	ck_assert_int_eq(chdir("/"), 0);	/* as under systemd */
}

static void inc_cleanup(struct inc_dir *d)
{
	unlink(d->main);
	unlink(d->routes);
	rmdir(d->dir);
}

static int inc_load(struct inc_dir *d, struct conf **c, struct conf_error *err, char *msg, size_t len)
{
	int r = conf_load(d->main, c, err);

	conf_error_format(err, msg, len);
	return r;
}

START_TEST(include_shared_routes_file)
{
	const char *routes = "routes = (\n  { name = \"shared\"; targets = \"sip:127.0.0.1:5080\"; }\n);\n";
	struct inc_dir d;
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600];

	inc_setup(&d, "limits = { max_calls = 7; };\n@include \"routes.conf\"\n", routes);
	ck_assert_msg(inc_load(&d, &c, &err, msg, sizeof(msg)) == 0, "%s", msg);
	ck_assert_int_eq(c->max_calls, 7);
	ck_assert_uint_eq(c->n_routes, 1);
	ck_assert_str_eq(c->routes[0].name, "shared");
	ck_assert_str_eq(c->routes[0].targets[0], "sip:127.0.0.1:5080");
	c = conf_unref(c);
	inc_cleanup(&d);
}
END_TEST

START_TEST(include_errors_name_the_included_file)
{
	static const struct {
		const char *main, *routes, *marker, *msg;
		bool in_main;
	} cases[] = {
		/* libconfig's syntax error inside the included file */
		{ "@include \"routes.conf\"\n", "routes = (\n  { name = \"r\";\n); #!\n", "#!",
		  "syntax error", false },
		/* an unknown key, found by the table walk */
		{ "@include \"routes.conf\"\n",
		  "routes = (\n  { name = \"r\"; targets = \"sip:h\";\n    target = \"x\"; #!\n  }\n);\n",
		  "#!", "unknown key 'target' in a route", false },
		/* a check after the parse (min_se set in the main file) */
		{ "calls = { min_se = 90; };\n@include \"routes.conf\"\n",
		  "routes = (\n  { name = \"r\"; targets = \"sip:h\";\n    session_expires = 60; #!\n  }\n);\n",
		  "#!", "below calls.min_se", false },
		/* a missing included file: the @include line of the main file */
		{ "log = { level = \"info\"; };\n@include \"nope.conf\" #!\n", NULL, "#!",
		  "cannot open the @include file", true },
		/* an error after the @include is still in the main file */
		{ "@include \"routes.conf\"\nlog = {\n  level = \"loud\"; #!\n};\n",
		  "routes = ( { name = \"r\"; targets = \"sip:h\"; } );\n", "#!", "'level' must be", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct inc_dir d;
		struct conf *c = NULL;
		struct conf_error err;
		char msg[600], want[300];
		const char *where = cases[i].in_main ? cases[i].main : cases[i].routes;
		int r;

		inc_setup(&d, cases[i].main, cases[i].routes);
		r = inc_load(&d, &c, &err, msg, sizeof(msg));
		if (r == 0)
			c = conf_unref(c);
		inc_cleanup(&d);
		ck_assert_msg(r == -EINVAL, "case %zu loaded", i);
		snprintf(want, sizeof(want), "%s:%d: ", cases[i].in_main ? d.main : d.routes,
			 tu_line_of(where, cases[i].marker));
		ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "case %zu: '%s', want '%s...'",
			      i, msg, want);
		ck_assert_msg(strstr(msg, cases[i].msg) != NULL, "case %zu: '%s'", i, msg);
	}
}
END_TEST

START_TEST(session_expires_at_min_se_loads)
{
	struct conf *c = tu_load_ok("calls = { session_expires = 90; };\n");

	ck_assert_int_eq(c->session_expires, 90);
	conf_unref(c);
}
END_TEST

/* ---- reference counting ---- */

START_TEST(ref_and_unref_count)
{
	struct conf *c = tu_load_ok("");

	ck_assert_uint_eq(c->refs, 1);
	ck_assert_ptr_eq(conf_ref(c), c);
	ck_assert_uint_eq(c->refs, 2);
	ck_assert_ptr_eq(conf_ref(c), c);
	ck_assert_uint_eq(c->refs, 3);
	ck_assert_ptr_null(conf_unref(c));
	ck_assert_uint_eq(c->refs, 2);
	ck_assert_ptr_null(conf_unref(c));
	ck_assert_uint_eq(c->refs, 1);
	ck_assert_ptr_null(conf_unref(c));	/* freed here: ASan sees a double free or a leak */
	ck_assert_ptr_null(conf_ref(NULL));
	ck_assert_ptr_null(conf_unref(NULL));
}
END_TEST

START_TEST(snapshot_outlives_a_reload)
{
	struct conf *old = tu_load_ok("routes = ( { name = \"old\"; targets = \"sip:h\"; } );\n");
	struct conf *held = conf_ref(old);	/* a call in progress */
	struct conf *cur = tu_load_ok("routes = ( { name = \"new\"; targets = \"sip:h\"; } );\n");

	conf_unref(old);	/* the daemon swaps to cur */
	ck_assert_str_eq(held->routes[0].name, "old");
	ck_assert_str_eq(cur->routes[0].name, "new");
	conf_unref(held);
	conf_unref(cur);
}
END_TEST

/* ---- CIDR ---- */

static struct sockaddr_storage sa4(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s = (struct sockaddr_in *)&ss;

	s->sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, ip, &s->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage sa6(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

	s->sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, ip, &s->sin6_addr), 1);
	return ss;
}

static bool in(const char *cidr, const char *ip)
{
	struct conf_cidr c;
	struct sockaddr_storage ss = strchr(ip, ':') ? sa6(ip) : sa4(ip);

	ck_assert_msg(conf_parse_cidr(cidr, &c) == 0, "parse %s", cidr);
	return conf_cidr_contains(&c, (struct sockaddr *)&ss);
}

START_TEST(cidr_parse)
{
	struct conf_cidr c;
	uint8_t v4[4] = { 10, 1, 2, 3 };

	ck_assert_int_eq(conf_parse_cidr("10.1.2.3/8", &c), 0);
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_uint_eq(c.prefix, 8);
	ck_assert_mem_eq(c.addr, v4, 4);
	ck_assert_int_eq(conf_parse_cidr("10.1.2.3", &c), 0);
	ck_assert_uint_eq(c.prefix, 32);
	ck_assert_int_eq(conf_parse_cidr("0.0.0.0/0", &c), 0);
	ck_assert_uint_eq(c.prefix, 0);
	ck_assert_int_eq(conf_parse_cidr("2001:db8::/32", &c), 0);
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_uint_eq(c.prefix, 32);
	ck_assert_int_eq(c.addr[0], 0x20);
	ck_assert_int_eq(c.addr[1], 0x01);
	ck_assert_int_eq(conf_parse_cidr("::1", &c), 0);
	ck_assert_uint_eq(c.prefix, 128);
	ck_assert_int_eq(c.addr[15], 1);
	ck_assert_int_eq(conf_parse_cidr("::/0", &c), 0);
	ck_assert_uint_eq(c.prefix, 0);
}
END_TEST

START_TEST(cidr_parse_rejects)
{
	static const char *const bad_cidrs[] = {
		"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0.0/8/8",
		"10.0.0.256", "10.0.0", "host.example", "::/129", "2001:db8::g/32", "10.0.0.0/99999999999999999999",
		"0000000000000000000000000000000000000000000000000000000000000000000000000001",
	};
	struct conf_cidr c = { .family = 99 };

	for (size_t i = 0; i < sizeof(bad_cidrs) / sizeof(bad_cidrs[0]); i++) {
		ck_assert_msg(conf_parse_cidr(bad_cidrs[i], &c) == -EINVAL, "\"%s\" parsed", bad_cidrs[i]);
		ck_assert_msg(c.family == 99, "\"%s\": ret written on failure", bad_cidrs[i]);
	}
}
END_TEST

START_TEST(cidr_v4_prefixes)
{
	ck_assert(in("0.0.0.0/0", "1.2.3.4"));
	ck_assert(in("0.0.0.0/0", "255.255.255.255"));
	ck_assert(in("10.0.0.0/8", "10.255.255.255"));
	ck_assert(!in("10.0.0.0/8", "11.0.0.0"));
	ck_assert(!in("10.0.0.0/8", "9.255.255.255"));
	ck_assert(in("192.0.2.7/32", "192.0.2.7"));
	ck_assert(!in("192.0.2.7/32", "192.0.2.6"));
	ck_assert(!in("192.0.2.7", "192.0.2.8"));
	/* odd prefixes */
	ck_assert(in("192.168.2.0/23", "192.168.2.0"));
	ck_assert(in("192.168.2.0/23", "192.168.3.255"));
	ck_assert(!in("192.168.2.0/23", "192.168.4.0"));
	ck_assert(!in("192.168.2.0/23", "192.168.1.255"));
	ck_assert(in("172.16.0.0/12", "172.31.1.1"));
	ck_assert(!in("172.16.0.0/12", "172.32.0.0"));
	ck_assert(in("10.0.0.0/31", "10.0.0.1"));
	ck_assert(!in("10.0.0.0/31", "10.0.0.2"));
	ck_assert(in("128.0.0.0/1", "200.1.1.1"));
	ck_assert(!in("128.0.0.0/1", "127.255.255.255"));
	/* host bits in the CIDR do not matter */
	ck_assert(in("10.9.9.9/8", "10.1.1.1"));
}
END_TEST

START_TEST(cidr_v6_prefixes)
{
	ck_assert(in("::/0", "2001:db8::1"));
	ck_assert(in("::/0", "::1"));
	ck_assert(in("2001:db8::/32", "2001:db8:ffff::1"));
	ck_assert(!in("2001:db8::/32", "2001:db9::1"));
	ck_assert(in("::1/128", "::1"));
	ck_assert(in("::1", "::1"));
	ck_assert(!in("::1/128", "::2"));
	ck_assert(in("fe80::/10", "febf::1"));
	ck_assert(!in("fe80::/10", "fec0::1"));
	ck_assert(in("2001:db8::/127", "2001:db8::1"));
	ck_assert(!in("2001:db8::/127", "2001:db8::2"));
	ck_assert(in("2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff"));
	ck_assert(!in("2001:db8:0:1::/64", "2001:db8:0:2::"));
}
END_TEST

START_TEST(cidr_families_and_v4_mapped)
{
	struct conf_cidr c;

	/* an IPv4 client on a dual-stack socket matches a v4 CIDR */
	ck_assert(in("10.0.0.0/8", "::ffff:10.1.2.3"));
	ck_assert(!in("10.0.0.0/8", "::ffff:11.1.2.3"));
	ck_assert(in("192.168.2.0/23", "::ffff:192.168.3.1"));
	ck_assert(in("0.0.0.0/0", "::ffff:1.2.3.4"));
	ck_assert(in("10.1.2.3/32", "::ffff:10.1.2.3"));
	/* ... but not a real v6 address, even against 0.0.0.0/0 */
	ck_assert(!in("0.0.0.0/0", "2001:db8::1"));
	ck_assert(!in("10.0.0.0/8", "::10.1.2.3"));	/* v4-compatible, not mapped */
	/* a v4 source never matches a v6 CIDR */
	ck_assert(!in("::/0", "10.1.2.3"));
	ck_assert(!in("::ffff:0:0/96", "10.1.2.3"));
	/* a v6 CIDR written for mapped addresses takes them */
	ck_assert(in("::ffff:0:0/96", "::ffff:10.1.2.3"));
	/* no source */
	ck_assert_int_eq(conf_parse_cidr("0.0.0.0/0", &c), 0);
	ck_assert(!conf_cidr_contains(&c, NULL));
}
END_TEST

START_TEST(log_level_names)
{
	ck_assert_int_eq(conf_log_level_from_name("error"), LOG_LVL_ERR);
	ck_assert_int_eq(conf_log_level_from_name("warning"), LOG_LVL_WARNING);
	ck_assert_int_eq(conf_log_level_from_name("notice"), LOG_LVL_NOTICE);
	ck_assert_int_eq(conf_log_level_from_name("info"), LOG_LVL_INFO);
	ck_assert_int_eq(conf_log_level_from_name("debug"), LOG_LVL_DEBUG);
	ck_assert_int_eq(conf_log_level_from_name("DeBuG"), LOG_LVL_DEBUG);
	ck_assert_int_eq(conf_log_level_from_name(""), -EINVAL);
	ck_assert_int_eq(conf_log_level_from_name("err"), -EINVAL);
	ck_assert_int_eq(conf_log_level_from_name("info "), -EINVAL);
	ck_assert_int_eq(conf_log_level_from_name("verbose"), -EINVAL);
	for (int l = LOG_LVL_ERR; l <= LOG_LVL_DEBUG; l++)
		ck_assert_int_eq(conf_log_level_from_name(conf_log_level_name(l)), l);
	ck_assert_str_eq(conf_log_level_name(LOG_LVL_WARNING), "warning");
	ck_assert_str_eq(conf_log_level_name(0), "unknown");
	ck_assert_str_eq(conf_log_level_name(8), "unknown");
	ck_assert_str_eq(conf_log_level_name(-1), "unknown");
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, bad_config_is_refused_with_line_and_message, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, missing_file_names_the_file);
	tcase_add_test(tc, error_format_has_file_and_line);
	tcase_add_test(tc, route_session_expires_below_min_se_is_refused);
	tcase_add_test(tc, include_errors_name_the_included_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, default_config_loads);
	tcase_add_test(tc, include_shared_routes_file);
	tcase_add_test(tc, empty_file_gets_defaults);
	tcase_add_test(tc, all_settings_are_stored);
	tcase_add_test(tc, media_address6_and_its_advertise);
	tcase_add_test(tc, media_io_uring_defaults_on);
	tcase_add_test(tc, node_is_stored);
	tcase_add_test(tc, node_defaults_to_host_and_instance);
	tcase_add_test(tc, routes_inherit_call_defaults);
	tcase_add_test(tc, route_defaults_without_calls_section);
	tcase_add_test(tc, failover_default_is_408_and_5xx);
	tcase_add_test(tc, failover_empty_list_means_none);
	tcase_add_test(tc, refer_outside_defaults_to_reject);
	tcase_add_test(tc, dtmf_defaults_to_passthrough_per_leg);
	tcase_add_test(tc, single_string_target_and_targets_without_user);
	tcase_add_test(tc, listeners_udp_and_tcp_share_address);
	tcase_add_test(tc, listener_advertise_and_nat);
	tcase_add_test(tc, listener_port_defaults_to_5060);
	tcase_add_test(tc, target_is_tls);
	tcase_add_test(tc, sdes_tls_only_defaults_on_and_tls_verify_to_verify_peer);
	tcase_add_test(tc, caller_srtp_without_tls_listener_is_warned);
	tcase_add_test(tc, caller_srtp_with_tls_listener_is_not_warned);
	tcase_add_test(tc, rewrite_escaped_backslash_before_digit_is_not_a_group);
	tcase_add_test(tc, session_expires_at_min_se_loads);
	suite_add_tcase(s, tc);

	tc = tcase_create("refs");
	tcase_add_test(tc, ref_and_unref_count);
	tcase_add_test(tc, snapshot_outlives_a_reload);
	suite_add_tcase(s, tc);

	tc = tcase_create("cidr");
	tcase_add_test(tc, cidr_parse);
	tcase_add_test(tc, cidr_parse_rejects);
	tcase_add_test(tc, cidr_v4_prefixes);
	tcase_add_test(tc, cidr_v6_prefixes);
	tcase_add_test(tc, cidr_families_and_v4_mapped);
	tcase_add_test(tc, log_level_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
