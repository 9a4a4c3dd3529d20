// SPDX-License-Identifier: Apache-2.0
// Filled in by the decoding work (issue 2).
