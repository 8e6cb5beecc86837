/** Axios client for the `/__sim/` control endpoints, used by tests, scripts and the demo. */
import axios, { type AxiosInstance } from 'axios';
import type { FaultSpec } from './faults';
import type { SimulatorStats } from './requestLog';

export class SimulatorClient {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string) {
    this.http = axios.create({ baseURL: baseUrl, validateStatus: () => true, timeout: 10_000 });
  }

  async setFault(spec: FaultSpec): Promise<void> {
    await this.expectOk(this.http.post('/__sim/faults', spec), 'set the fault');
  }

  async clearFaults(): Promise<void> {
    await this.expectOk(this.http.delete('/__sim/faults'), 'clear the faults');
  }

  async stats<Extra extends Record<string, unknown> = Record<string, unknown>>(): Promise<SimulatorStats & Extra> {
    return (await this.expectOk(this.http.get('/__sim/stats'), 'read the stats')) as SimulatorStats & Extra;
  }

  async reset(): Promise<void> {
    await this.expectOk(this.http.post('/__sim/reset'), 'reset the simulator');
  }

  /** GETs a simulator-specific control path such as `/__sim/incidents`. */
  async get<T>(path: string): Promise<T> {
    return (await this.expectOk(this.http.get(path), `read ${path}`)) as T;
  }

  private async expectOk(request: Promise<{ status: number; data: unknown }>, action: string): Promise<unknown> {
    const response = await request;
    if (response.status >= 300) {
      throw new Error(`Failed to ${action} on the simulator: HTTP ${response.status} ${JSON.stringify(response.data)}`);
    }
    return response.data;
  }
}
