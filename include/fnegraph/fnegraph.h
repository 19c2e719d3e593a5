/* fnegraph: graph representations of deep vector embeddings.
 * The umbrella header: includes every public header of the library. */
#ifndef FNEGRAPH_FNEGRAPH_H
#define FNEGRAPH_FNEGRAPH_H

#include "fnegraph/cpu.h"
#include "fnegraph/error.h"
#include "fnegraph/info.h"
#include "fnegraph/mem.h"
#include "fnegraph/net.h"
#include "fnegraph/csr.h"
#include "fnegraph/rng.h"
#include "fnegraph/vgg16.h"

#endif
