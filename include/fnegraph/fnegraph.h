/* fnegraph: graph representations of deep vector embeddings.
 * The umbrella header: includes every public header of the library. */
#ifndef FNEGRAPH_FNEGRAPH_H
#define FNEGRAPH_FNEGRAPH_H

#include "fnegraph/checksum.h"
#include "fnegraph/community.h"
#include "fnegraph/cpu.h"
#include "fnegraph/csr.h"
#include "fnegraph/dataset.h"
#include "fnegraph/edges_file.h"
#include "fnegraph/error.h"
#include "fnegraph/extract.h"
#include "fnegraph/fne_file.h"
#include "fnegraph/graph.h"
#include "fnegraph/image.h"
#include "fnegraph/info.h"
#include "fnegraph/mem.h"
#include "fnegraph/metrics.h"
#include "fnegraph/net.h"
#include "fnegraph/pipeline.h"
#include "fnegraph/results.h"
#include "fnegraph/rng.h"
#include "fnegraph/synth.h"
#include "fnegraph/vgg16.h"
#include "fnegraph/weights.h"

#endif
